package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat

import org.codehaus.groovy.ast.ClassNode
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.expr.BinaryExpression
import org.codehaus.groovy.ast.expr.ConstantExpression
import org.codehaus.groovy.ast.expr.Expression
import org.codehaus.groovy.ast.expr.GStringExpression
import org.codehaus.groovy.ast.expr.MapExpression
import org.codehaus.groovy.ast.expr.MethodCallExpression
import org.codehaus.groovy.ast.expr.TupleExpression
import org.codehaus.groovy.ast.expr.VariableExpression
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases
import org.junit.jupiter.api.Test

/**
 * Reads the pipeline code's syntax trees: no GString anywhere (so no value is ever interpolated
 * into a string that a shell or Groovy evaluates), and every sh script is a constant: a
 * static final field in capitals, possibly followed by string literals.
 */
class ShellSafetyTest {

    @Test
    void pipelineCodeHasNoGStringsAndOnlyConstantShellScripts() {
        List<File> files = PipelineTestSupport.ROOT.resolve('vars').toFile().listFiles()
            .findAll { it.name.endsWith('.groovy') } +
            [PipelineTestSupport.ROOT.resolve('Jenkinsfile').toFile()]
        List<String> problems = []
        int shellCalls = 0

        files.each { File file ->
            CompilationUnit unit = new CompilationUnit()
            unit.addSource(file)
            unit.compile(Phases.CONVERSION)
            unit.AST.modules*.classes.flatten().each { ClassNode type ->
                CodeVisitorSupport visitor = new CodeVisitorSupport() {
                    @Override
                    void visitGStringExpression(GStringExpression expression) {
                        problems.add(file.name + ':' + expression.lineNumber + ': a GString')
                    }

                    @Override
                    void visitMethodCallExpression(MethodCallExpression call) {
                        if (call.methodAsString == 'sh') {
                            shellCalls++
                            Expression script = scriptArgument(call)
                            if (!isConstant(script)) {
                                problems.add(file.name + ':' + call.lineNumber + ': sh script ' +
                                    script?.text)
                            }
                        }
                        super.visitMethodCallExpression(call)
                    }
                }
                type.methods*.code.findAll().each { it.visit(visitor) }
                type.fields*.initialValueExpression.findAll().each { it.visit(visitor) }
                type.objectInitializerStatements.each { it.visit(visitor) }
            }
        }

        assertThat(problems).isEmpty()
        assertThat(shellCalls).isGreaterThanOrEqualTo(6)
    }

    private static Expression scriptArgument(MethodCallExpression call) {
        Expression arguments = call.arguments
        if (arguments instanceof TupleExpression && arguments.expressions.size() == 1 &&
            arguments.expressions[0] instanceof MapExpression) {
            MapExpression map = (MapExpression) arguments.expressions[0]
            return map.mapEntryExpressions.find { it.keyExpression.text == 'script' }
                ?.valueExpression
        }
        return null
    }

    private static boolean isConstant(Expression expression) {
        if (expression instanceof VariableExpression) {
            return expression.name ==~ /[A-Z][A-Z_]*/
        }
        if (expression instanceof ConstantExpression) {
            return expression.value instanceof String
        }
        if (expression instanceof BinaryExpression && expression.operation.text == '+') {
            return isConstant(expression.leftExpression) && isConstant(expression.rightExpression)
        }
        return false
    }
}
