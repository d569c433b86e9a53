package dev.imageci.jenkins

/** Answers the imageci steps' scripts on a FakeAgent as a working CLI and history would. */
class FakeImageci {

    static final String DIGEST = 'sha256:' + '5e' * 32

    /** Makes the fake agent's CLI succeed, recording history 21 for the build. */
    static void succeed(FakeAgent fake) {
        fake.shell = { String script, Map env ->
            if (script.contains(' build ')) {
                fake.files[env.IMAGECI_RESULT_FILE] = '{"image":"r.example.com/team/web",' +
                    '"tags":["03"],"digest":"' + DIGEST + '","status":"succeeded",' +
                    '"historyId":21,"requestId":"' + env.IMAGECI_REQUEST_ID + '"}'
            }
            if (script.contains('history flush')) {
                fake.files['.imageci/history.json'] = '[{"id":21}]'
            }
            return 0
        }
    }
}
