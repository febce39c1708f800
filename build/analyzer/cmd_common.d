build/analyzer/cmd_common.o: analyzer/cmd_common.c include/cmd.h \
 include/dag.h include/node.h include/util.h include/spec.h \
 include/policy.h include/predict.h include/gitio.h include/banned.h
include/cmd.h:
include/dag.h:
include/node.h:
include/util.h:
include/spec.h:
include/policy.h:
include/predict.h:
include/gitio.h:
include/banned.h:
