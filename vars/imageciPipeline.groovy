import groovy.transform.Field

/*
 * The entire image pipeline for a team's repository, so that its Jenkinsfile is two lines:
 *
 *     @Library('imageci') _
 *     imageciPipeline(config: 'image.yaml', credentialsId: 'registry')
 *
 * The same stages as the generic Jenkinsfile, with the form read from the team's checkout.
 */

@Field static final Map ARGS = [
    config: [String, 'image.yaml'],
    push: [Boolean, true],
    credentialsId: [String, ''],
    timeoutMinutes: [Integer, 60],
    agentLabel: [String, 'docker'],
    keepBuilds: [Integer, 50],
    cli: [String, ''],
]

void call(Map args = [:]) {
    Map opts = imageciArgs('imageciPipeline', ARGS, args)
    int minutes = imageciArgs.minutes('imageciPipeline', 'timeoutMinutes', opts.timeoutMinutes)
    Map state = [:]

    pipeline {
        agent { label opts.agentLabel }

        options {
            timeout(time: minutes, unit: 'MINUTES')
            buildDiscarder(logRotator(numToKeepStr: String.valueOf(opts.keepBuilds)))
        }

        stages {
            stage('Verify') {
                steps {
                    script {
                        noting(state) {
                            state.cli = imageciVerify(config: opts.config, cli: opts.cli)
                        }
                    }
                }
            }
            stage('Generate Dockerfile') {
                steps {
                    script {
                        noting(state) {
                            imageciRender(config: opts.config, cli: state.cli)
                        }
                    }
                }
            }
            stage('Build image') {
                steps {
                    script {
                        noting(state) {
                            state.building = true
                            state.result = imageciBuild(config: opts.config, push: opts.push,
                                credentialsId: opts.credentialsId, timeoutMinutes: minutes,
                                cli: state.cli)
                        }
                        currentBuild.description = imageciBuild.reference(state.result)
                    }
                }
            }
            stage('Push image') {
                when { expression { opts.push } }
                steps {
                    script {
                        imageciPublish(result: state.result)
                    }
                }
            }
            stage('Record history') {
                steps {
                    script {
                        imageciRecord(result: state.result, cli: state.cli)
                    }
                }
            }
        }

        post {
            always {
                archiveArtifacts(artifacts: 'imageci/result.json', allowEmptyArchive: true)
            }
            unsuccessful {
                script {
                    // Every attempt ends up in the history, whichever stage it failed in.
                    if (state.result == null) {
                        imageciRecordFailure(
                            error: state.failure ?: 'the run ended ' + currentBuild.result +
                                ' before imageci build recorded it',
                            status: currentBuild.result == 'ABORTED' ? 'cancelled' : 'failed',
                            config: opts.config,
                            resultFile: state.building ? 'imageci/result.json' : '',
                            cli: state.cli ?: opts.cli)
                    }
                }
            }
        }
    }
}

/** Runs a stage's steps, keeping the first failure's message for the history record. */
void noting(Map state, Closure steps) {
    try {
        steps()
    } catch (Exception failure) {
        state.failure = state.failure ?: (failure.message ?: failure.toString())
        throw failure
    }
}
