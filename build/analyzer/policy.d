build/analyzer/policy.o: analyzer/policy.c include/policy.h include/dag.h \
 include/node.h include/util.h include/spec.h include/spec.h \
 include/banned.h
include/policy.h:
include/dag.h:
include/node.h:
include/util.h:
include/spec.h:
include/spec.h:
include/banned.h:
