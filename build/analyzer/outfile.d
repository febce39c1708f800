build/analyzer/outfile.o: analyzer/outfile.c include/outfile.h \
 include/util.h include/banned.h
include/outfile.h:
include/util.h:
include/banned.h:
