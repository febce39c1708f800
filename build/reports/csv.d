build/reports/csv.o: reports/csv.c include/report.h include/predict.h \
 include/dag.h include/node.h include/util.h include/spec.h \
 include/policy.h include/banned.h
include/report.h:
include/predict.h:
include/dag.h:
include/node.h:
include/util.h:
include/spec.h:
include/policy.h:
include/banned.h:
