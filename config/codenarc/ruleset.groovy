// CodeNarc rules for the Jenkins shared library (Jenkinsfile, vars/) and its Groovy tests.
// Run by `mvn verify` (maven-antrun-plugin); any violation fails the build.
ruleset {
    ruleset('rulesets/basic.xml')
    ruleset('rulesets/braces.xml')
    ruleset('rulesets/exceptions.xml') {
        // error() and the CPS engine rethrow what steps throw; catching broadly is deliberate.
        exclude 'CatchException'
        exclude 'CatchThrowable'
        exclude 'ThrowRuntimeException'
    }
    ruleset('rulesets/imports.xml') {
        exclude 'MisorderedStaticImports'
        exclude 'NoWildcardImports'
    }
    ruleset('rulesets/jenkins.xml')
    ruleset('rulesets/unused.xml') {
        // `@Library('imageci') _` is how a Jenkinsfile imports a library.
        UnusedVariable {
            ignoreVariableNames = '_'
        }
    }
    ruleset('rulesets/unnecessary.xml') {
        // Explicit returns and GString-free concatenation keep values out of evaluated strings.
        exclude 'UnnecessaryReturnKeyword'
        exclude 'UnnecessaryGString'
        exclude 'UnnecessaryGetter'
        exclude 'UnnecessarySetter'
        exclude 'UnnecessaryObjectReferences'
        exclude 'UnnecessaryPublicModifier'
        exclude 'UnnecessaryCast'
        exclude 'UnnecessaryDefInMethodDeclaration'
        exclude 'UnnecessaryBooleanExpression'
    }
    ruleset('rulesets/naming.xml') {
        // vars/ files are named for the step they define, in camelCase as Jenkins wants.
        exclude 'ClassNameSameAsFilename'
        exclude 'FactoryMethodName'
        exclude 'MethodName'
        exclude 'PropertyName'
        exclude 'VariableName'
        exclude 'FieldName'
    }
    ruleset('rulesets/formatting.xml') {
        LineLength {
            length = 100
        }
        exclude 'ClassStartsWithBlankLine'
        exclude 'ClassEndsWithBlankLine'
        exclude 'SpaceAroundMapEntryColon'
        exclude 'Indentation'
        exclude 'ConsecutiveBlankLines'
        exclude 'FileEndsWithoutNewline'
        exclude 'SpaceAfterOpeningBrace'
        exclude 'SpaceBeforeClosingBrace'
        exclude 'ClosureStatementOnOpeningLineOfMultipleLineClosure'
        exclude 'BlockStartsWithBlankLine'
        exclude 'BlockEndsWithBlankLine'
    }
    ruleset('rulesets/security.xml') {
        exclude 'JavaIoPackageAccess'
        exclude 'FileCreateTempFile'
        exclude 'SystemExit'
    }
}
