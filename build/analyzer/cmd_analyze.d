build/analyzer/cmd_analyze.o: analyzer/cmd_analyze.c include/cmd.h \
 include/dag.h include/node.h include/util.h include/spec.h \
 include/policy.h include/predict.h include/outfile.h include/report.h \
 include/banned.h
include/cmd.h:
include/dag.h:
include/node.h:
include/util.h:
include/spec.h:
include/policy.h:
include/predict.h:
include/outfile.h:
include/report.h:
include/banned.h:
