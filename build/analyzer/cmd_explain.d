build/analyzer/cmd_explain.o: analyzer/cmd_explain.c include/cmd.h \
 include/dag.h include/node.h include/util.h include/spec.h \
 include/policy.h include/predict.h include/banned.h
include/cmd.h:
include/dag.h:
include/node.h:
include/util.h:
include/spec.h:
include/policy.h:
include/predict.h:
include/banned.h:
