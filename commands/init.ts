import {Flags} from '@oclif/core'

import {HactlCommand} from '../src/cli/base-command'
import {
  APP_NAMES,
  DATABASE_ENGINES,
  initConfig,
  initConfigPath,
  type InitConfigResult,
  requireInitAnswers,
} from '../src/config'
import {renderInitResult} from '../src/ui/config-render'
import {askInitAnswers} from '../src/ui/init-prompts'

export default class Init extends HactlCommand<typeof Init> {
  public static description = `Asks a few questions (application, site name, region, domain, database engine, instance sizes) and writes a commented hactl.yml that documents every key and its default.

With --yes nothing is asked: --app, --site and --region are required and the rest take their defaults. Without a terminal, --yes is required.

Writes ./hactl.yml, or the file named by --config (or HACTL_CONFIG). An existing file is never replaced unless --force is given.`

  public static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --yes --app wordpress --site demo --region eu-west-1',
    '<%= config.bin %> <%= command.id %> --yes --app moodle --site lms --region eu-central-1 --db-engine aurora-postgresql --min-size 3 --max-size 8',
    '<%= config.bin %> <%= command.id %> --yes --app wordpress --site blog --region us-east-1 --domain www.example.org --config sites/blog/hactl.yml',
  ]

  public static flags = {
    app: Flags.option({description: 'The PHP application the site runs.', options: APP_NAMES})(),
    'db-engine': Flags.option({
      description: 'Database engine. Default: mysql for WordPress, postgres for Moodle. WordPress supports only mysql, mariadb and aurora-mysql.',
      options: DATABASE_ENGINES,
    })(),
    domain: Flags.string({
      description: 'The site\'s public hostname, e.g. www.example.org. Default: none (the Elastic Beanstalk URL).',
      helpValue: '<hostname>',
    }),
    force: Flags.boolean({default: false, description: 'Replace an existing hactl.yml.'}),
    'instance-type': Flags.string({
      description: 'EC2 instance type of the web instances and the seed. Default: t3.small.',
      helpValue: '<type>',
    }),
    'max-size': Flags.integer({description: 'Most web instances. Default: the larger of 4 and --min-size + 1.', helpValue: '<count>', min: 1}),
    'min-size': Flags.integer({description: 'Fewest web instances in service. Default: 2.', helpValue: '<count>', min: 1}),
    site: Flags.string({
      description: 'Short site name: 3–23 lowercase letters, digits and "-". Used in AWS resource names; cannot change later.',
      helpValue: '<name>',
    }),
  }

  public static summary = 'Write a hactl.yml for a Moodle or WordPress site.'

  public async run(): Promise<InitConfigResult> {
    const {flags} = this
    const given = {
      app: flags.app,
      dbEngine: flags['db-engine'],
      domain: flags.domain,
      instanceType: flags['instance-type'],
      maxSize: flags['max-size'],
      minSize: flags['min-size'],
      region: flags.region,
      site: flags.site,
    }
    const answers = flags.yes
      ? requireInitAnswers(given)
      : await askInitAnswers({given, interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY)})
    const path = initConfigPath({cwd: process.cwd(), env: process.env, explicit: flags.config})
    const result = await initConfig({...answers, force: flags.force, path})
    if (!this.jsonEnabled()) this.log(renderInitResult(result, process.cwd()))

    return result
  }
}
