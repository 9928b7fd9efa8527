import {APP_NAMES, APP_PROFILES, HEALTH_ENDPOINT} from '../../../src/config'
import {ALL_PROFILES, CODE_DIR, profileFor, RELATIVE_UPLOADS_MOUNT} from '../../../src/apps'
import {testConfig} from '../../_helpers/config'

describe('profileFor', () => {
  it.each(APP_NAMES)('has a profile for %s, built on its hactl.yml defaults', (app) => {
    const profile = profileFor(app)
    expect(profile.app).toBe(app)
    expect(profile.defaults).toBe(APP_PROFILES[app])
    expect(profile.label).toBe(APP_PROFILES[app].label)
    expect(profile.codeDir).toBe(CODE_DIR)
  })

  it('lists every app once, in a fixed order', () => {
    expect(ALL_PROFILES.map((p) => p.app)).toEqual(['moodle', 'wordpress'])
  })

  it.each(APP_NAMES)('points the %s health check at hactl\'s health endpoint by default, not an app page', (app) => {
    expect(profileFor(app).healthEndpoint).toBe('/hactl-health.php')
    expect(profileFor(app).healthEndpoint).toBe(HEALTH_ENDPOINT)
    expect(testConfig({app}).environment.healthCheckPath).toBe(HEALTH_ENDPOINT)
  })

  it('keeps WordPress uploads in the code tree, linked to the relative mount', () => {
    expect(profileFor('wordpress').uploadsLocation('wp-content/uploads/')).toEqual({
      link: '/opt/hactl/app/wp-content/uploads',
      mount: RELATIVE_UPLOADS_MOUNT,
    })
  })

  it('mounts Moodle\'s dataroot at its absolute path, with no link in the code', () => {
    expect(profileFor('moodle').uploadsLocation(APP_PROFILES.moodle.uploadsPath)).toEqual({mount: '/mnt/moodledata'})
  })

  it('runs cron from the code root, with the configured command or the app\'s default', () => {
    expect(profileFor('moodle').cronCommandLine()).toBe('cd /opt/hactl/app && php admin/cli/cron.php')
    expect(profileFor('wordpress').cronCommandLine()).toBe('cd /opt/hactl/app && wp cron event run --due-now')
    expect(profileFor('wordpress').cronCommandLine('wp cron event run --all')).toBe('cd /opt/hactl/app && wp cron event run --all')
  })

  it('knows Moodle 5.1 serves public/ and WordPress its code root', () => {
    expect(profileFor('moodle').webRoots).toEqual(['public', ''])
    expect(profileFor('wordpress').webRoots).toEqual([''])
  })
})
