build/analyzer/spec.o: analyzer/spec.c include/spec.h include/node.h \
 include/util.h include/gitio.h include/banned.h
include/spec.h:
include/node.h:
include/util.h:
include/gitio.h:
include/banned.h:
