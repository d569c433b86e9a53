package dev.imageci.jenkins

import org.codehaus.groovy.runtime.InvokerHelper

/**
 * Runs the subset of Declarative Pipeline that this repository's Jenkinsfile and imageciPipeline
 * use, standing in for Jenkins' pipeline-model-definition plugin, which JenkinsPipelineUnit 1.1
 * predates and no registry here serves.
 *
 * What it does as Declarative does: `parameters` are read first and `params` holds their
 * defaults overlaid with the values the test passes (an undeclared name is refused, as a job
 * has only the parameters it declared); `options` are then evaluated, `timeout` wrapping the
 * whole run through the timeout step; stages run in order, a `when { expression }` that is false
 * skips its stage, and after a failure the remaining stages are skipped; `post` conditions run
 * afterwards in Declarative's order (always, aborted, failure, success, unsuccessful, cleanup);
 * the build result is set and the first error is thrown again.
 *
 * What it does not do: validate the syntax the way Jenkins does before running, agents other
 * than a label, stage-level agent/options/post, environment, input, parallel or matrix; the
 * timeout is recorded and wrapped, not enforced.
 */
class DeclarativeInterpreter {

    private final PipelineTestSupport test

    /** What the last run declared and did. */
    Map<String, Object> parameters = [:]
    Map<String, Object> options = [:]
    String agentLabel
    final Map<String, String> stageResults = [:]

    /** Parameter values for the next run, as a trigger would send them. */
    Map<String, Object> buildParameters = [:]

    DeclarativeInterpreter(PipelineTestSupport test) {
        this.test = test
    }

    void run(Closure pipeline) {
        Object script = pipeline.thisObject
        Sections sections = new Sections()
        collect(pipeline, sections)

        setParameters(sections.parametersBody)
        collect(sections.agentBody ?: { throw new IllegalStateException('no agent section') },
            new AgentSection(this))
        if (sections.optionsBody) {
            collect(sections.optionsBody, new OptionsSection(this))
        }
        List<Map> stages = []
        collect(sections.stagesBody, new StagesSection(stages))

        Throwable failure = null
        Closure body = { failure = runStages(script, stages) }
        if (options.timeout) {
            InvokerHelper.invokeMethod(script, 'timeout', [options.timeout, body] as Object[])
        } else {
            body.call()
        }
        setResult(failure)
        failure = runPost(script, sections.postBody, failure)
        if (failure != null) {
            throw failure
        }
    }

    private void setParameters(Closure declarations) {
        if (declarations) {
            collect(declarations, new ParametersSection(parameters))
        }
        Map<String, Object> values = [:]
        parameters.each { name, spec -> values[name] = spec.defaultValue }
        buildParameters.each { name, value ->
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException('the pipeline declares no parameter ' + name)
            }
            values[name] = parameters[name].trim ? value.toString().trim() : value
        }
        test.binding.setVariable('params', values.asImmutable())
    }

    private Throwable runStages(Object script, List<Map> stages) {
        Throwable failure = null
        for (Map stage : stages) {
            if (failure != null) {
                stageResults[stage.name] = 'skipped after a failure'
            } else if (stage.when && !runSection(script, stage.when)) {
                stageResults[stage.name] = 'skipped by when'
            } else {
                try {
                    Closure steps = { runSection(script, stage.steps) }
                    InvokerHelper.invokeMethod(script, 'stage', [stage.name, steps] as Object[])
                    stageResults[stage.name] = 'succeeded'
                } catch (Throwable thrown) {
                    stageResults[stage.name] = 'failed'
                    failure = thrown
                }
            }
        }
        return failure
    }

    private void setResult(Throwable failure) {
        Map build = test.currentBuild()
        if (failure instanceof InterruptedException) {
            build.result = 'ABORTED'
        } else if (failure != null) {
            build.result = 'FAILURE'
        } else if (build.result == null) {
            build.result = 'SUCCESS'
        }
        build.currentResult = build.result
    }

    private Throwable runPost(Object script, Closure post, Throwable failure) {
        if (!post) {
            return failure
        }
        Map<String, Closure> conditions = [:]
        collect(post, new PostSection(conditions))
        String result = test.currentBuild().result
        Map<String, Boolean> applies = [
            always: true,
            aborted: result == 'ABORTED',
            failure: result == 'FAILURE',
            success: result == 'SUCCESS',
            unsuccessful: result != 'SUCCESS',
            cleanup: true,
        ]
        Throwable first = failure
        applies.each { condition, applicable ->
            if (applicable && conditions[condition]) {
                try {
                    runSection(script, conditions[condition])
                } catch (Throwable thrown) {
                    test.currentBuild().result = 'FAILURE'
                    first = first ?: thrown
                }
            }
        }
        return first
    }

    /** Runs a section's closure with the script as owner, so its calls are the script's steps. */
    private static Object runSection(Object script, Closure body) {
        return body.rehydrate(script, script, script).call()
    }

    private static void collect(Closure section, Object collector) {
        Closure copy = section.rehydrate(collector, section.owner, section.thisObject)
        copy.resolveStrategy = Closure.DELEGATE_FIRST
        copy.call()
    }

    /** The top-level sections, kept to be evaluated in Declarative's order. */
    static class Sections {
        Closure agentBody, optionsBody, parametersBody, stagesBody, postBody

        void agent(Closure body) { agentBody = body }

        void options(Closure body) { optionsBody = body }

        void parameters(Closure body) { parametersBody = body }

        void stages(Closure body) { stagesBody = body }

        void post(Closure body) { postBody = body }
    }

    static class AgentSection {
        private final DeclarativeInterpreter run

        AgentSection(DeclarativeInterpreter run) { this.run = run }

        void label(String label) { run.agentLabel = label }
    }

    static class OptionsSection {
        private final DeclarativeInterpreter run

        OptionsSection(DeclarativeInterpreter run) { this.run = run }

        void timeout(Map args) { run.options.timeout = args }

        Map logRotator(Map args) { return [logRotator: args] }

        void buildDiscarder(Map strategy) { run.options.buildDiscarder = strategy }
    }

    static class ParametersSection {
        private final Map<String, Object> declared

        ParametersSection(Map<String, Object> declared) { this.declared = declared }

        void string(Map spec) { declare('string', spec) }

        void text(Map spec) { declare('text', spec) }

        void booleanParam(Map spec) { declare('booleanParam', spec) }

        private void declare(String type, Map spec) {
            if (declared.containsKey(spec.name)) {
                throw new IllegalStateException('parameter declared twice: ' + spec.name)
            }
            declared[spec.name as String] = [type: type] + spec
        }
    }

    static class StagesSection {
        private final List<Map> stages

        StagesSection(List<Map> stages) { this.stages = stages }

        void stage(String name, Closure body) {
            Map stage = [name: name]
            collect(body, new StageSection(stage))
            if (!stage.steps) {
                throw new IllegalStateException('stage ' + name + ' has no steps')
            }
            stages.add(stage)
        }
    }

    static class StageSection {
        private final Map stage

        StageSection(Map stage) { this.stage = stage }

        void steps(Closure body) { stage.steps = body }

        void when(Closure body) { collect(body, this) }

        void expression(Closure body) { stage.when = body }
    }

    static class PostSection {
        private final Map<String, Closure> conditions

        PostSection(Map<String, Closure> conditions) { this.conditions = conditions }

        void always(Closure body) { conditions.always = body }

        void aborted(Closure body) { conditions.aborted = body }

        void failure(Closure body) { conditions.failure = body }

        void success(Closure body) { conditions.success = body }

        void unsuccessful(Closure body) { conditions.unsuccessful = body }

        void cleanup(Closure body) { conditions.cleanup = body }
    }
}
