#!/usr/bin/env node
'use strict'
// The SDK warns on every run under Node 20 that releases after January 2027
// need Node 22. hactl pins its SDK in the lockfile, so the warning is noise to
// an operator; the README says when to move to Node 22. An explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const oclif = require('@oclif/core')
oclif.execute({dir: __dirname}).catch(oclif.handle)
