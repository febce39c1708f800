build/analyzer/dag.o: analyzer/dag.c include/dag.h include/node.h \
 include/util.h include/spec.h include/key.h include/banned.h
include/dag.h:
include/node.h:
include/util.h:
include/spec.h:
include/key.h:
include/banned.h:
