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
                        state.cli = imageciVerify(config: opts.config, cli: opts.cli)
                    }
                }
            }
            stage('Generate Dockerfile') {
                steps {
                    script {
                        imageciRender(config: opts.config, cli: state.cli)
                    }
                }
            }
            stage('Build image') {
                steps {
                    script {
                        state.result = imageciBuild(config: opts.config, push: opts.push,
                            credentialsId: opts.credentialsId, timeoutMinutes: minutes,
                            cli: state.cli)
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
                    if (state.cli && state.result == null) {
                        imageciRecord(cli: state.cli)
                    }
                }
            }
        }
    }
}
