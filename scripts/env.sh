# Sourced by the run scripts: exports the variables of config/env.yaml's section for $ENV (default
# dev), except those already set. PADDOCK_ENV_FILE names another file.
paddock_load_env() {
  local file=${PADDOCK_ENV_FILE:-${PADDOCK_CONFIG_DIR:-config}/env.yaml}
  [[ -f $file ]] || file=config/env.yaml
  [[ -f $file ]] || return 0
  local env=${ENV:-dev} section="" key value
  if ! grep -q "^$env:" "$file"; then
    echo "paddock: error: $file has no section '$env' (ENV must be one of: $(sed -n 's/^\([a-z]*\):.*/\1/p' "$file" | xargs))" >&2
    return 64
  fi
  while IFS= read -r line; do
    [[ $line =~ ^([a-z]+):[[:space:]]*$ ]] && { section=${BASH_REMATCH[1]}; continue; }
    [[ $section == "$env" && $line =~ ^[[:space:]]+([A-Z_][A-Z0-9_]*):[[:space:]]*(.*)$ ]] || continue
    key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
    value=${value%%[[:space:]]#*}
    value=${value#\"}; value=${value%\"}
    [[ -n ${!key:-} ]] || export "$key=$value"
  done < "$file"
  export ENV=$env
}
