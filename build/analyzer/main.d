build/analyzer/main.o: analyzer/main.c include/cmd.h include/dag.h \
 include/node.h include/util.h include/spec.h include/policy.h \
 include/predict.h include/banned.h
include/cmd.h:
include/dag.h:
include/node.h:
include/util.h:
include/spec.h:
include/policy.h:
include/predict.h:
include/banned.h:
