import groovy.transform.Field

/*
 * Checks that the agent can build: the imageci CLI runs, the Docker daemon answers, and the
 * image form is valid. Fails the build with the first problem found.
 */

@Field static final Map ARGS = [
    config: [String],
    docker: [Boolean, true],
    cli: [String, ''],
]

// Exit 3: the CLI does not run; 4: no Docker daemon; 2: the form is invalid.
// Limitation: without the docker command a TCP daemon is not probed; imageci build reports it.
@Field static final String VERIFY = '''set -u
case "$IMAGECI_CLI" in
  *.jar) set -- java -jar "$IMAGECI_CLI" ;;
  *) set -- "$IMAGECI_CLI" ;;
esac
"$@" --version || exit 3
if [ "$IMAGECI_CHECK_DOCKER" = true ]; then
  if command -v docker > /dev/null 2>&1; then
    docker version --format 'Docker daemon {{.Server.Version}}' || exit 4
  else
    daemon=${DOCKER_HOST:-unix:///var/run/docker.sock}
    case "$daemon" in
      unix://*) [ -S "${daemon#unix://}" ] || exit 4 ;;
    esac
  fi
fi
mkdir -p .imageci
"$@" render "$IMAGECI_CONFIG" > /dev/null 2> .imageci/verify-problems
'''

@Field static final Map FAILURES = [
    3: 'the imageci CLI does not run on this agent (Java 17 is needed for the jar)',
    4: 'the Docker daemon does not answer on this agent (DOCKER_HOST or /var/run/docker.sock)',
]

/** Returns the path of the CLI that was checked. */
String call(Map args = [:]) {
    Map opts = imageciArgs('imageciVerify', ARGS, args)
    String cli = imageciCli(cli: opts.cli)

    int status = 0
    withEnv(imageciArgs.environment('imageciVerify', [IMAGECI_CLI: cli,
        IMAGECI_CONFIG: opts.config, IMAGECI_CHECK_DOCKER: opts.docker])) {
        status = sh(script: VERIFY, returnStatus: true)
    }
    if (FAILURES.containsKey(status)) {
        error('imageciVerify: ' + FAILURES[status])
    }
    if (status != 0) {
        String problems = readFile('.imageci/verify-problems').trim()
        error('imageciVerify: ' + opts.config + ' is not a valid image form:\n' + problems)
    }
    echo('imageciVerify: the agent has the CLI' + (opts.docker ? ' and Docker' : '') +
        ', and ' + opts.config + ' is valid')
    return cli
}
