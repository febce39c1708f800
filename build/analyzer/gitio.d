build/analyzer/gitio.o: analyzer/gitio.c include/gitio.h include/util.h \
 include/banned.h
include/gitio.h:
include/util.h:
include/banned.h:
