# Sourced by run-james.sh and prepare-docker.sh: the mailsec plugin modules and how their jars are
# put into a James extensions-jars/ folder (one jar per module, named after it).
MAILSEC_PLUGINS=(mailsec-core tls-policy-mailet dkim-mailet spf-dmarc-matcher virus-scan-mailet)

# true when a plugin jar has not been built yet under ROOT
plugin_jars_missing() { # ROOT
  local m
  for m in "${MAILSEC_PLUGINS[@]}"; do
    compgen -G "$1/$m/target/$m-*.jar" >/dev/null || return 0
  done
  return 1
}

copy_plugin_jars() { # ROOT DEST
  local m jar
  rm -f "$2/"*.jar
  for m in "${MAILSEC_PLUGINS[@]}"; do
    jar=$(ls "$1/$m/target/$m"-*.jar | grep -v -e '-sources' -e '-tests' -e 'original-' | head -1)
    cp "$jar" "$2/$m.jar"
  done
}
