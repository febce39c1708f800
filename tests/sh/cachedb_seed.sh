# cachedb_seed.sh - SQL for a throwaway copy of a KFP deployment's cache,
# sourced by tests/sh/test_cachedb.sh.  Each function prints SQL on stdout
# (pipe it to `mariadb`); it writes the rows KFP writes, so a reader can put
# each statement next to the KFP code it mirrors:
#
#   tasks table      backend/src/apiserver/model/task.go (gorm model, 2.15+:
#                    varchar(191) keys, strings VARCHAR(255) by
#                    client_manager.go:343-346, int64 BIGINT, LargeText
#                    LONGTEXT, foreign key RunUUID -> run_details.UUID)
#   a cache entry    what the launcher sends on success (launcher_v2.go:
#                    300-317, CreateTaskV1) and the API server inserts
#                    (storage/task_store.go:82-137): PipelineName
#                    "pipeline/<name>", CreatedTimestamp = the executor's start
#   persistence-agent rows: the same table, Fingerprint '' (api_converter.go:
#                    1775-1848): never an entry
#   MLMD tables      google/ml-metadata v1.14.0 ml_metadata/util/
#                    metadata_source_query_config.cc, the MySQL variant
#                    (:2952-3075) and EventPath (:626)
#   a finished execution  PublishExecution (v2/metadata/client.go:556-620):
#                    state COMPLETE (3), custom property `outputs` an MLMD
#                    struct ("mlmd-struct::" + base64 of a serialized
#                    google.protobuf.Struct, struct_utils.cc:30-40), one
#                    OUTPUT event (type 4) per output artifact whose path
#                    step key is the output name (client.go:539-547); and
#                    `cache_fingerprint` (client.go:624)

# seed_schema: the two databases, empty.
seed_schema() {
	cat <<'SQL'
CREATE DATABASE mlpipeline DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE DATABASE metadb;
CREATE TABLE mlpipeline.run_details (
  `UUID` varchar(191) NOT NULL,
  `DisplayName` varchar(255) NOT NULL,
  `Namespace` varchar(255) NOT NULL,
  `CreatedAtInSec` bigint NOT NULL,
  PRIMARY KEY (`UUID`)
);
CREATE TABLE mlpipeline.tasks (
  `UUID` varchar(191) NOT NULL,
  `Namespace` varchar(255) NOT NULL,
  `PipelineName` varchar(255) NOT NULL,
  `RunUUID` varchar(191) NOT NULL,
  `PodName` varchar(255) NOT NULL,
  `MLMDExecutionID` varchar(255) NOT NULL,
  `CreatedTimestamp` bigint NOT NULL,
  `StartedTimestamp` bigint DEFAULT 0,
  `FinishedTimestamp` bigint DEFAULT 0,
  `Fingerprint` varchar(255) NOT NULL,
  `Name` varchar(255) DEFAULT NULL,
  `ParentTaskUUID` varchar(255) DEFAULT NULL,
  `State` varchar(255) DEFAULT NULL,
  `StateHistory` longtext DEFAULT NULL,
  `MLMDInputs` longtext DEFAULT NULL,
  `MLMDOutputs` longtext DEFAULT NULL,
  `ChildrenPods` longtext DEFAULT NULL,
  `Payload` longtext DEFAULT NULL,
  PRIMARY KEY (`UUID`),
  KEY `tasks_RunUUID_run_details_UUID_foreign` (`RunUUID`),
  CONSTRAINT `tasks_RunUUID_run_details_UUID_foreign` FOREIGN KEY (`RunUUID`)
    REFERENCES `run_details` (`UUID`) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE metadb.`Type` (
  `id` INT PRIMARY KEY AUTO_INCREMENT, `name` VARCHAR(255) NOT NULL, `version` VARCHAR(255),
  `type_kind` TINYINT(1) NOT NULL, `description` TEXT, `input_type` TEXT, `output_type` TEXT,
  `external_id` VARCHAR(255) UNIQUE);
CREATE TABLE metadb.`Artifact` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT, `type_id` INT NOT NULL, `uri` TEXT, `state` INT,
  `name` VARCHAR(255), `external_id` VARCHAR(255) UNIQUE,
  `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
  `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT UniqueArtifactTypeName UNIQUE(`type_id`, `name`));
CREATE TABLE metadb.`Execution` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT, `type_id` INT NOT NULL, `last_known_state` INT,
  `name` VARCHAR(255), `external_id` VARCHAR(255) UNIQUE,
  `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
  `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT UniqueExecutionTypeName UNIQUE(`type_id`, `name`));
CREATE TABLE metadb.`ExecutionProperty` (
  `execution_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL, `is_custom_property` TINYINT(1) NOT NULL,
  `int_value` INT, `double_value` DOUBLE, `string_value` MEDIUMTEXT, `byte_value` MEDIUMBLOB,
  `proto_value` MEDIUMBLOB, `bool_value` BOOLEAN,
  PRIMARY KEY (`execution_id`, `name`, `is_custom_property`));
CREATE TABLE metadb.`Context` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT, `type_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL,
  `external_id` VARCHAR(255) UNIQUE, `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
  `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0, UNIQUE(`type_id`, `name`));
CREATE TABLE metadb.`ParentContext` (
  `context_id` INT NOT NULL, `parent_context_id` INT NOT NULL,
  PRIMARY KEY (`context_id`, `parent_context_id`));
CREATE TABLE metadb.`Event` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT, `artifact_id` INT NOT NULL, `execution_id` INT NOT NULL,
  `type` INT NOT NULL, `milliseconds_since_epoch` BIGINT,
  CONSTRAINT UniqueEvent UNIQUE(`artifact_id`, `execution_id`, `type`));
CREATE TABLE metadb.`EventPath` (
  `event_id` INT NOT NULL, `is_index_step` TINYINT(1) NOT NULL, `step_index` INT, `step_key` TEXT);
CREATE TABLE metadb.`Association` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT, `context_id` INT NOT NULL, `execution_id` INT NOT NULL,
  UNIQUE(`context_id`, `execution_id`));
CREATE TABLE metadb.`Attribution` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT, `context_id` INT NOT NULL, `artifact_id` INT NOT NULL,
  UNIQUE(`context_id`, `artifact_id`));
INSERT INTO metadb.`Type` (`id`, `name`, `type_kind`) VALUES
  (1, 'system.ContainerExecution', 0), (2, 'system.Dataset', 1), (3, 'system.Model', 1);
SQL
}

# seed_struct JSON: an MLMD struct value of the JSON object (numbers as
# doubles, as structpb holds every KFP number).
seed_struct() {
	python3 - "$1" <<'PY'
import base64, json, struct, sys
def varint(n):
    out = b""
    while True:
        b = n & 0x7f; n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n: return out
def ld(field, data): return varint(field << 3 | 2) + varint(len(data)) + data
def value(v):
    if v is None: return varint(1 << 3) + varint(0)
    if isinstance(v, bool): return varint(4 << 3) + varint(int(v))
    if isinstance(v, (int, float)): return varint(2 << 3 | 1) + struct.pack("<d", float(v))
    if isinstance(v, str): return ld(3, v.encode())
    if isinstance(v, dict): return ld(5, struct_(v))
    return ld(6, b"".join(ld(1, value(x)) for x in v))
def struct_(d): return b"".join(ld(1, ld(1, k.encode()) + ld(2, value(x))) for k, x in d.items())
print("mlmd-struct::" + base64.b64encode(struct_(json.loads(sys.argv[1]))).decode())
PY
}

# seed_run RUN_UUID NAMESPACE: the run_details row a task belongs to.
seed_run() {
	echo "INSERT INTO mlpipeline.run_details (UUID, DisplayName, Namespace, CreatedAtInSec) VALUES ('$1', 'run $1', '$2', 1700000000);"
}

# seed_execution ID FINGERPRINT [PARAMS_JSON [NAME=ARTIFACT_ID ...]]: a
# published execution with its output parameters and artifacts.
seed_execution() {
	id=$1 fp=$2; shift 2
	echo "INSERT INTO metadb.Execution (id, type_id, last_known_state, name) VALUES ($id, 1, 3, 'exec-$id');"
	echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, string_value) VALUES ($id, 'cache_fingerprint', 1, '$fp');"
	if [ $# -gt 0 ]; then
		[ -n "$1" ] && echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, string_value) VALUES ($id, 'outputs', 1, '$(seed_struct "$1")');"
		shift
	fi
	for a in "$@"; do
		name=${a%%=*} art=${a#*=}
		echo "INSERT INTO metadb.Artifact (id, type_id, uri, state, name) VALUES ($art, 2, 'minio://mlpipeline/v2/artifacts/$art', 2, 'art-$art');"
		echo "INSERT INTO metadb.Event (artifact_id, execution_id, type, milliseconds_since_epoch) VALUES ($art, $id, 4, 1700000000000);"
		echo "INSERT INTO metadb.EventPath (event_id, is_index_step, step_index, step_key) VALUES (LAST_INSERT_ID(), 0, NULL, '$name');"
	done
}

# seed_entry UUID RUN NAMESPACE PIPELINE FINGERPRINT EXECUTION_ID CREATED: the
# tasks row the launcher's CreateTaskV1 makes (PodName, Name, State unset).
seed_entry() {
	echo "INSERT INTO mlpipeline.tasks (UUID, Namespace, PipelineName, RunUUID, PodName, MLMDExecutionID, CreatedTimestamp, StartedTimestamp, FinishedTimestamp, Fingerprint, Name, ParentTaskUUID, State, StateHistory, MLMDInputs, MLMDOutputs, ChildrenPods, Payload) VALUES ('$1', '$3', 'pipeline/$4', '$2', '', '$6', $7, 0, $(($7 + 60)), '$5', '', '', '', 'null', '', '', 'null', '{}');"
}

# seed_agent_row UUID RUN NAMESPACE PIPELINE EXECUTION_ID: a workflow-node
# row of the persistence agent (empty fingerprint).
seed_agent_row() {
	echo "INSERT INTO mlpipeline.tasks (UUID, Namespace, PipelineName, RunUUID, PodName, MLMDExecutionID, CreatedTimestamp, StartedTimestamp, FinishedTimestamp, Fingerprint, Name, State) VALUES ('$1', '$3', 'pipeline/$4', '$2', 'pod-$1', '$5', 1700000500, 1700000500, 1700000600, '', 'node', 'SUCCEEDED');"
}

# seed_run_context CONTEXT_ID RUN_ID: the run's system.PipelineRun context,
# named by the run id (v2/metadata/client.go:410-468).
seed_run_context() {
	echo "INSERT IGNORE INTO metadb.\`Type\` (\`id\`, \`name\`, \`type_kind\`) VALUES (4, 'system.PipelineRun', 2);"
	echo "INSERT INTO metadb.Context (id, type_id, name, create_time_since_epoch) VALUES ($1, 4, '$2', 1700001000000);"
}

# seed_run_execution ID CONTEXT_ID TASK STATE CREATED_MS FINGERPRINT [CACHED_ID]:
# a container execution the driver created for TASK in the run
# (CreateExecution, client.go:641-700: task_name, cache_fingerprint,
# cached_execution_id; associated with the run's context), in MLMD state
# STATE (CACHED 5 on a hit, COMPLETE 3 after it ran, FAILED 4).
seed_run_execution() {
	echo "INSERT INTO metadb.Execution (id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch) VALUES ($1, 1, $4, 'run-exec-$1', $5, $5);"
	echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, string_value) VALUES ($1, 'task_name', 1, '$3'), ($1, 'cache_fingerprint', 1, '$6'), ($1, 'pod_name', 1, '');"
	[ -n "${7:-}" ] && echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, string_value) VALUES ($1, 'cached_execution_id', 1, '$7');"
	echo "INSERT INTO metadb.Association (context_id, execution_id) VALUES ($2, $1);"
}

# seed_page_rows COUNT RUN NAMESPACE PIPELINE: COUNT more entries in one
# scope (the paging tests of --cache-db-page-size), as seed_entry writes
# them; fingerprints no task has; CreatedTimestamp in groups of three equal
# values, so pages end inside a group and the UUID tiebreak decides.
seed_page_rows() {
	i=1
	while [ "$i" -le "$1" ]; do
		seed_entry "$(printf 'e-page-%03d' "$i")" "$2" "$3" "$4" "$(printf 'f%063d' "$i")" 11 \
			$((1600000000 + i / 3))
		i=$((i + 1))
	done
}

# ---- verify from the stored spec (test_cachedb.sh section 12) ----
#
# run_details as the API server's CreateRun writes it for a v2 run: the
# manifest it fetched (the request's own, or the pipeline version's) copied
# into PipelineSpecManifest (apiserver/resource/resource_manager.go:758-763
# and :1907-1936 in 2.17; :588-595 and :1498-1520 in 2.14), the version's id
# in PipelineVersionId, WorkflowSpecManifest only for v1 runs.  Columns of
# model/pipeline_spec.go:17-47 (LargeText: longtext, client_manager.go) and
# model/pipeline_version.go:31-55 (pipeline_versions).

# seed_schema_runs: the run_details columns verify reads, and pipeline_versions.
seed_schema_runs() {
	cat <<'SQL'
ALTER TABLE mlpipeline.run_details
  ADD COLUMN `PipelineId` varchar(255) NOT NULL DEFAULT '',
  ADD COLUMN `PipelineVersionId` varchar(255) DEFAULT NULL,
  ADD COLUMN `PipelineName` varchar(255) NOT NULL DEFAULT '',
  ADD COLUMN `PipelineSpecManifest` longtext DEFAULT NULL,
  ADD COLUMN `WorkflowSpecManifest` longtext DEFAULT NULL,
  ADD COLUMN `Parameters` longtext DEFAULT NULL,
  ADD COLUMN `RuntimeParameters` longtext DEFAULT NULL,
  ADD COLUMN `PipelineRoot` longtext DEFAULT NULL;
CREATE TABLE mlpipeline.pipeline_versions (
  `UUID` varchar(191) NOT NULL,
  `CreatedAtInSec` bigint NOT NULL,
  `Name` varchar(127) NOT NULL,
  `DisplayName` varchar(255) NOT NULL,
  `Parameters` longtext NOT NULL,
  `PipelineId` varchar(64) NOT NULL,
  `Status` varchar(255) NOT NULL,
  `CodeSourceUrl` varchar(255) DEFAULT NULL,
  `Description` longtext DEFAULT NULL,
  `PipelineSpec` longtext NOT NULL,
  `PipelineSpecURI` longtext NOT NULL,
  PRIMARY KEY (`UUID`)
);
SQL
}

# sql_text FILE: the file's bytes as a MySQL string literal (hex, so any text survives).
sql_text() {
	if [ -s "$1" ]; then
		printf "CONVERT(X'%s' USING utf8mb4)" "$(od -An -v -tx1 "$1" | tr -d ' \n')"
	else
		printf "''"
	fi
}

# seed_run_spec RUN_UUID NAMESPACE MANIFEST_FILE [VERSION_ID]: a v2 run as
# CreateRun stores it (an empty MANIFEST_FILE: a row whose manifest is empty,
# as only a row written by other means has).
seed_run_spec() {
	ver=NULL
	[ -n "${4:-}" ] && ver="'$4'"
	echo "INSERT INTO mlpipeline.run_details (UUID, DisplayName, Namespace, CreatedAtInSec, PipelineId, PipelineVersionId, PipelineName, PipelineSpecManifest, WorkflowSpecManifest) VALUES ('$1', 'run $1', '$2', 1700001000, '${4:+pipeline-1}', $ver, '${4:+pipelines/$4}', $(sql_text "$3"), NULL);"
}

# seed_run_params RUN_UUID JSON: the run's parameter values as CreateRun
# stores them (RuntimeParameters: json.Marshal of the request's
# runtime_config.parameters map, server/api_converter.go:701-712).
seed_run_params() {
	printf '%s' "$2" > "${TMPDIR:-/tmp}/kc-seed-params.$$"
	echo "UPDATE mlpipeline.run_details SET RuntimeParameters = $(sql_text "${TMPDIR:-/tmp}/kc-seed-params.$$") WHERE UUID = '$1';"
	rm -f "${TMPDIR:-/tmp}/kc-seed-params.$$"
}

# seed_run_v1 RUN_UUID NAMESPACE: a v1 run (an Argo workflow, no pipeline spec).
seed_run_v1() {
	echo "INSERT INTO mlpipeline.run_details (UUID, DisplayName, Namespace, CreatedAtInSec, PipelineSpecManifest, WorkflowSpecManifest) VALUES ('$1', 'run $1', '$2', 1700001000, '', 'apiVersion: argoproj.io/v1alpha1');"
}

# seed_pipeline_version VERSION_ID SPEC_FILE: an uploaded pipeline version
# (the uploaded file as is, YAML or JSON: PipelineSpec).
seed_pipeline_version() {
	echo "INSERT INTO mlpipeline.pipeline_versions VALUES ('$1', 1700000000, 'v-$1', 'v-$1', '', 'pipeline-1', 'READY', '', '', $(sql_text "$2"), '');"
}

# ---- loop iterations (test_cachedb.sh section 13) ----
#
# The driver records every execution with parent_dag_id, the execution of
# the DAG it runs in, and a loop iteration's DAG with iteration_index, both
# int custom properties (CreateExecution, v2/metadata/client.go:638-700;
# driver/container.go:128-133, driver/dag.go:104-109).  A loop is one DAG
# execution (the iterator, task_name the loop's task key, iteration_count)
# and one per iteration, named the same, whose parent it is
# (argocompiler/dag.go:410-445).  The root DAG has no parent_dag_id.

# seed_dag_execution ID CONTEXT_ID TASK PARENT_ID [ITERATION_INDEX]: a
# system.DAGExecution of the run (PARENT_ID 0: the root DAG).
seed_dag_execution() {
	echo "INSERT IGNORE INTO metadb.\`Type\` (\`id\`, \`name\`, \`type_kind\`) VALUES (5, 'system.DAGExecution', 0);"
	echo "INSERT INTO metadb.Execution (id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch) VALUES ($1, 5, 3, 'run-dag-$1', 1700002000000, 1700002000000);"
	echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, string_value) VALUES ($1, 'task_name', 1, '$3'), ($1, 'display_name', 1, '$3');"
	[ "$4" != 0 ] && echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, int_value) VALUES ($1, 'parent_dag_id', 1, $4);"
	[ -n "${5:-}" ] && echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, int_value) VALUES ($1, 'iteration_index', 1, $5);"
	echo "INSERT INTO metadb.Association (context_id, execution_id) VALUES ($2, $1);"
}

# seed_child_execution PARENT_ID ID CONTEXT_ID TASK STATE CREATED_MS FINGERPRINT
# [CACHED_ID]: seed_run_execution's container execution, inside DAG PARENT_ID.
seed_child_execution() {
	parent=$1; shift
	seed_run_execution "$@"
	echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, int_value) VALUES ($1, 'parent_dag_id', 1, $parent);"
}

# ---- importers (test_cachedb.sh section 14) ----
#
# An importer's launcher (reimport false) re-links the first artifact that
# GetArtifactsByURI returns and matchedArtifactOrNot accepts: same type,
# state LIVE, every custom property it would write (the importer's metadata,
# store_session_info) equal, attributed to the system.Pipeline context named
# by the pipeline (component/importer_launcher.go:168-185, 187-323;
# metadata/client.go:1303-1347).  PublishExecution with the pipeline's
# contexts attributes each output artifact (client.go:576-583; MLMD
# PutExecution).  ArtifactProperty: metadata_source_query_config.cc:2977-2988.

# seed_schema_artifacts: the MLMD tables an importer's lookup reads.
seed_schema_artifacts() {
	cat <<'SQL'
CREATE TABLE IF NOT EXISTS metadb.`ArtifactProperty` (
  `artifact_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL, `is_custom_property` TINYINT(1) NOT NULL,
  `int_value` INT, `double_value` DOUBLE, `string_value` MEDIUMTEXT, `byte_value` MEDIUMBLOB,
  `proto_value` MEDIUMBLOB, `bool_value` BOOLEAN,
  PRIMARY KEY (`artifact_id`, `name`, `is_custom_property`));
INSERT IGNORE INTO metadb.`Type` (`id`, `name`, `type_kind`) VALUES (6, 'system.Pipeline', 2);
SQL
}

# seed_pipeline_context ID PIPELINE: the pipeline's system.Pipeline context.
seed_pipeline_context() {
	echo "INSERT INTO metadb.Context (id, type_id, name, create_time_since_epoch) VALUES ($1, 6, '$2', 1700000000000);"
}

# seed_imported ID URI STATE CONTEXT_ID PROVIDER [NAME=s:TEXT|d:NUMBER|i:INT ...]:
# an artifact an importer made (system.Dataset), its custom properties
# (store_session_info: the JSON of objectstore.SessionInfo, importer_launcher.go:
# 283-294), attributed to the pipeline context.
seed_imported() {
	id=$1 uri=$2 state=$3 ctx=$4 provider=$5; shift 5
	echo "INSERT INTO metadb.Artifact (id, type_id, uri, state, create_time_since_epoch, last_update_time_since_epoch) VALUES ($id, 2, '$uri', $state, 1700000000000, 1700000000000);"
	echo "INSERT INTO metadb.ArtifactProperty (artifact_id, name, is_custom_property, string_value) VALUES ($id, 'store_session_info', 1, '{\"Provider\":\"$provider\",\"Params\":{\"fromEnv\":\"true\"}}');"
	for p in "$@"; do
		name=${p%%=*} v=${p#*=}
		case $v in
		s:*) col=string_value val="'${v#s:}'" ;;
		d:*) col=double_value val=${v#d:} ;;
		i:*) col=int_value val=${v#i:} ;;
		esac
		echo "INSERT INTO metadb.ArtifactProperty (artifact_id, name, is_custom_property, $col) VALUES ($id, '$name', 1, $val);"
	done
	echo "INSERT INTO metadb.Attribution (context_id, artifact_id) VALUES ($ctx, $id);"
}

# ---- what a real database holds (test_cachedb.sh section 15) ----

# seed_schema_contexts: MLMD's ContextProperty (metadata_source_query_config.cc,
# MySQL variant, next to ExecutionProperty): a run context's namespace.
seed_schema_contexts() {
	cat <<'SQL'
CREATE TABLE IF NOT EXISTS metadb.`ContextProperty` (
  `context_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL, `is_custom_property` TINYINT(1) NOT NULL,
  `int_value` INT, `double_value` DOUBLE, `string_value` MEDIUMTEXT, `byte_value` MEDIUMBLOB,
  `proto_value` MEDIUMBLOB, `bool_value` BOOLEAN,
  PRIMARY KEY (`context_id`, `name`, `is_custom_property`));
SQL
}

# seed_run_namespace CONTEXT_ID NAMESPACE: the run context's custom property
# `namespace`, set by the root DAG driver's GetPipeline (v2/metadata/client.go:410-423).
seed_run_namespace() {
	echo "INSERT INTO metadb.ContextProperty (context_id, name, is_custom_property, string_value) VALUES ($1, 'namespace', 1, '$2');"
}

# seed_hit_execution ID CONTEXT_ID TASK CREATED_MS FINGERPRINT CACHED_ID
# [PARAMS_JSON [NAME=ARTIFACT_ID ...]]: the execution a driver creates on a
# hit: CreateExecution before any pod exists, so pod_name and namespace are
# empty (driver/container.go:173-190, metadata/client.go:675-678), then
# PublishExecution in state CACHED with the cached outputs and OUTPUT events
# re-linking the cached artifacts (container.go:217-236, client.go:556-600).
seed_hit_execution() {
	id=$1 ctx=$2 task=$3 created=$4 fp=$5 cached=$6; shift 6
	echo "INSERT INTO metadb.Execution (id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch) VALUES ($id, 1, 5, NULL, $created, $created);"
	echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, string_value) VALUES ($id, 'task_name', 1, '$task'), ($id, 'display_name', 1, '$task'), ($id, 'cache_fingerprint', 1, '$fp'), ($id, 'cached_execution_id', 1, '$cached'), ($id, 'pod_name', 1, ''), ($id, 'pod_uid', 1, ''), ($id, 'namespace', 1, ''), ($id, 'image', 1, '');"
	if [ $# -gt 0 ]; then
		[ -n "$1" ] && echo "INSERT INTO metadb.ExecutionProperty (execution_id, name, is_custom_property, string_value) VALUES ($id, 'outputs', 1, '$(seed_struct "$1")');"
		shift
	fi
	for a in "$@"; do
		name=${a%%=*} art=${a#*=}
		echo "INSERT INTO metadb.Event (artifact_id, execution_id, type, milliseconds_since_epoch) VALUES ($art, $id, 4, $created);"
		echo "INSERT INTO metadb.EventPath (event_id, is_index_step, step_index, step_key) VALUES (LAST_INSERT_ID(), 0, NULL, '$name');"
	done
	echo "INSERT INTO metadb.Association (context_id, execution_id) VALUES ($ctx, $id);"
}
