/*
 * commands.h - the entry point and option table of each command, for the
 * command table in main.c.  Commands do not call each other.
 */
#ifndef KFPCACHE_COMMANDS_H
#define KFPCACHE_COMMANDS_H

#include "cmd/cmd.h"

int cmd_analyze(int argc, char **argv, const struct command *cmd);
int cmd_explain(int argc, char **argv, const struct command *cmd);
int cmd_fingerprint(int argc, char **argv, const struct command *cmd);
int cmd_history(int argc, char **argv, const struct command *cmd);
int cmd_merge(int argc, char **argv, const struct command *cmd);
int cmd_diff(int argc, char **argv, const struct command *cmd);
int cmd_blame(int argc, char **argv, const struct command *cmd);
int cmd_lint(int argc, char **argv, const struct command *cmd);
int cmd_compare(int argc, char **argv, const struct command *cmd);
int cmd_verify(int argc, char **argv, const struct command *cmd);

extern const struct opt analyze_opts[];
extern const struct opt explain_opts[];
extern const struct opt fingerprint_opts[];
extern const struct opt history_opts[];
extern const struct opt merge_opts[];
extern const struct opt diff_opts[];
extern const struct opt blame_opts[];
extern const struct opt lint_opts[];
extern const struct opt compare_opts[];
extern const struct opt verify_opts[];

#endif
