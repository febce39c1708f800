build/analyzer/util.o: analyzer/util.c include/util.h include/banned.h
include/util.h:
include/banned.h:
