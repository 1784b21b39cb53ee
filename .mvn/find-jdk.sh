# Sourced by ./mvnw and ./jvmbpf: point JAVA_HOME at a JDK 25 or stop with a clear message.
# Order: JAVA_HOME if it is a JDK 25, then the usual install places.
# The JDK's release file answers without starting a JVM (that costs 0.1 to 0.2 s per command);
# asking the JVM is the fallback for a JDK without one.
jvmbpf_jdk_major() {
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
  fi
}
jvmbpf_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(jvmbpf_jdk_major "$JAVA_HOME")" = "25" ]; then
    return 0
  fi
  jvmbpf_noglob=0
  case $- in *f*) jvmbpf_noglob=1; set +f ;; esac
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25* \
      /usr/lib/jvm/*25* /opt/java/openjdk /opt/jdk-25* /usr/local/jdk-25* "$HOME"/.sdkman/candidates/java/25* \
      /Library/Java/JavaVirtualMachines/*25*/Contents/Home; do
    if [ -x "$candidate/bin/javac" ] && [ "$(jvmbpf_jdk_major "$candidate")" = "25" ]; then
      JAVA_HOME="$candidate"
      export JAVA_HOME
      [ "$jvmbpf_noglob" = 1 ] && set -f
      return 0
    fi
  done
  [ "$jvmbpf_noglob" = 1 ] && set -f
  echo "jvmbpf: no JDK 25 found. Set JAVA_HOME to a JDK 25 (checked \$JAVA_HOME and /usr/lib/jvm, /opt, ~/.sdkman)." >&2
  return 1
}
