# Sourced by the throughput benchmarks (auth, events, files, mail, tasks, compare): the JVM options they run the
# stack with. BENCH_JVM=prod (default) runs every JVM — services and the devstack JVM that hosts Kafka, the
# MongoDB-wire server and SMTP — with the full JIT (C1+C2), as compose and Helm run them. The devstack's own defaults
# (`-XX:TieredStopAtLevel=1`, C1 only) halve start-up on 2 cores but leave out the C2 intrinsics the hot paths rely
# on (SHA-256 of uploads ~10x slower, RSA signatures, bcrypt); BENCH_JVM=devstack measures with them. Options set
# explicitly in MEDBASE_JVM_OPTS / MEDBASE_DEVSTACK_JVM_OPTS win over both.
case "${BENCH_JVM:-prod}" in
  prod)
    export MEDBASE_JVM_OPTS="${MEDBASE_JVM_OPTS:--Xms256m -Xmx512m -Xss512k -XX:+UseParallelGC -Dfile.encoding=UTF-8}"
    export MEDBASE_DEVSTACK_JVM_OPTS="${MEDBASE_DEVSTACK_JVM_OPTS:--Xms512m -Xmx1g -Xss512k -XX:+UseParallelGC}" ;;
  devstack) ;;
  *) echo "BENCH_JVM must be prod or devstack" >&2; exit 2 ;;
esac
echo "JVM options (BENCH_JVM=${BENCH_JVM:-prod}): services: ${MEDBASE_JVM_OPTS:-devstack defaults}; devstack JVM: ${MEDBASE_DEVSTACK_JVM_OPTS:-devstack defaults}"
