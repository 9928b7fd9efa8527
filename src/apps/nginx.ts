/**
 * The nginx front-controller fallback the bundle ships. EB's PHP server block
 * has `root`, `index` and the `\.php` location but no `try_files`, so every
 * path that is not a file 404s: WordPress pretty permalinks and /wp-json/,
 * Moodle 5.1 router URLs (AWS-NOTES-2 A.1 #6).
 *
 * The bundle is static and the same for every site, so the one file serves
 * every app: it picks the router by a file only that app has at its web root.
 * That works on the holding page too (neither marker: 404 as before) and
 * needs no hook to rewrite nginx config at deploy time. The file in
 * `.platform/` is this function's output; a test keeps them equal.
 */
import {type AppProfile} from './profile'

/** Where the rendered file lives in the bundle: EB includes `conf.d/elasticbeanstalk/*.conf` inside its server block. */
export const NGINX_FALLBACK_FILE = '.platform/nginx/conf.d/elasticbeanstalk/hactl-app.conf'

const NAMED_LOCATION = '@hactl_front_controller'

export function renderNginxFallback(profiles: readonly AppProfile[]): string {
  const markers = new Set(profiles.map((profile) => profile.frontController.marker))
  if (markers.size !== profiles.length) throw new Error('Two app profiles share a front-controller marker file; nginx could not tell them apart.')
  const branches = profiles.flatMap(({frontController: {marker, target, why}}) => [
    `    # ${why}.`,
    `    if (-f $document_root/${marker}) {`,
    `        rewrite ^ ${target} last;`,
    '    }',
  ])
  return [
    '# hactl: inside EB\'s nginx server block (.platform/nginx/conf.d/elasticbeanstalk/*.conf).',
    '# Generated from src/apps (renderNginxFallback); test/src/apps/nginx.test.ts keeps it equal.',
    '# A path that is no file or directory goes to the app\'s front controller, chosen by',
    '# a file only that app has at its web root. The rewrite keeps the query string, and',
    '# REQUEST_URI stays the original path, which is what both apps route on. `.php` paths',
    '# (Moodle slash arguments included) never get here: EB\'s regex location takes them.',
    'location / {',
    `    try_files $uri $uri/ ${NAMED_LOCATION};`,
    '}',
    '',
    `location ${NAMED_LOCATION} {`,
    ...branches,
    '    # Neither (the holding page, Moodle before the router): a 404, as without this file.',
    '    return 404;',
    '}',
    '',
  ].join('\n')
}
