build/analyzer/predict.o: analyzer/predict.c include/predict.h \
 include/dag.h include/node.h include/util.h include/spec.h \
 include/policy.h include/key.h include/banned.h
include/predict.h:
include/dag.h:
include/node.h:
include/util.h:
include/spec.h:
include/policy.h:
include/key.h:
include/banned.h:
