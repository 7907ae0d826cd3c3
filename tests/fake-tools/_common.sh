# Sourced by every fake tool after it sets fake_tool (see README.md): the call logs and the state
# directory. Shell built-ins only, so a PATH holding nothing but the fakes still works.

# Appends "<tool> <args>" to $FAKE_TOOLS_LOG and "<tool> <args> | DOCKER_…=… MINIKUBE_…=…" (this
# process's Docker and Minikube variables) to $FAKE_TOOLS_ENV_LOG, when they are set.
fake_log_call () {
  [ -n "$FAKE_TOOLS_LOG" ] && printf '%s\n' "$fake_tool $*" >>"$FAKE_TOOLS_LOG"
  [ -n "$FAKE_TOOLS_ENV_LOG" ] || return 0
  fake_line="$fake_tool $* |"
  fake_saved_ifs=$IFS
  IFS='
'
  set -f
  for fake_decl in $(export -p); do
    fake_decl=${fake_decl#export }
    fake_decl=${fake_decl#declare -x }
    fake_name=${fake_decl%%=*}
    case "$fake_name" in
      DOCKER_*|MINIKUBE_*)
        eval "fake_value=\${$fake_name}"
        fake_line="$fake_line $fake_name=$fake_value" ;;
    esac
  done
  set +f
  IFS=$fake_saved_ifs
  printf '%s\n' "$fake_line" >>"$FAKE_TOOLS_ENV_LOG"
}

# Prints the first line of $FAKE_TOOLS_STATE/<name>, or nothing (no state dir, no such file).
fake_state_get () {
  [ -n "$FAKE_TOOLS_STATE" ] && [ -f "$FAKE_TOOLS_STATE/$1" ] || return 0
  IFS= read -r fake_value <"$FAKE_TOOLS_STATE/$1"
  printf '%s' "$fake_value"
}

# Writes <value> as $FAKE_TOOLS_STATE/<name> (nothing without a state dir).
fake_state_set () {
  [ -n "$FAKE_TOOLS_STATE" ] || return 0
  printf '%s\n' "$2" >"$FAKE_TOOLS_STATE/$1"
}

# The port Minikube's Docker listens on: it changes on every `minikube start`.
fake_minikube_port () {
  fake_port=$(fake_state_get minikube-port)
  printf '%s' "${fake_port:-32842}"
}

# Copies a file to stdout line by line (no cat on a fake PATH).
fake_print_file () {
  while IFS= read -r fake_file_line || [ -n "$fake_file_line" ]; do
    printf '%s\n' "$fake_file_line"
  done <"$1"
}
