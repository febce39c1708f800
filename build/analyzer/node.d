build/analyzer/node.o: analyzer/node.c include/node.h include/util.h \
 include/banned.h
include/node.h:
include/util.h:
include/banned.h:
