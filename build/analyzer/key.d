build/analyzer/key.o: analyzer/key.c include/key.h include/node.h \
 include/util.h include/banned.h
include/key.h:
include/node.h:
include/util.h:
include/banned.h:
