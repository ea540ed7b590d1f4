import { describe, expect, it } from 'vitest'
import { parseStartCommand, START_HELP } from '../../../local/start-options.ts'
import { PER_PARTICIPANT_VARIABLES } from '../../../local/federation-env.ts'

describe(parseStartCommand.name, () => {
  it('applies the configuration variables of the environment to every participant', () => {
    const { options } = setup({ env: { ADMIN_TOKEN: 'a-local-admin-token', MAX_BODY_BYTES: '1024', HOP_TIMEOUT_SECONDS: '45', PEER_TIMEOUT_MS: '500' } })
    expect(options.env).toMatchObject({ ADMIN_TOKEN: 'a-local-admin-token', MAX_BODY_BYTES: '1024', HOP_TIMEOUT_SECONDS: '45', PEER_TIMEOUT_MS: '500' })
  })

  it('leaves out the variables it sets per participant, and names them', () => {
    const { options, ignored } = setup({ env: { PARTICIPANT_ID: 'mine', TABLE_NAME: 'my-table', CHAIN_QUEUE_URL: 'https://sqs/q', HOP_LIMIT: '2' } })
    expect(options.env).toEqual({ HOP_LIMIT: '2' })
    expect(ignored).toEqual(['CHAIN_QUEUE_URL', 'PARTICIPANT_ID', 'TABLE_NAME'])
  })

  it('moves every participant port by --port-offset, or REAR_PORT_OFFSET', () => {
    expect(setup({ argv: ['--port-offset', '500'] }).options.participants.map((p) => p.port)).toEqual([30500, 30501, 30510, 30511, 30520])
    expect(setup({ env: { REAR_PORT_OFFSET: '7' } }).options.participants[0]!.port).toBe(30007)
  })

  it('listens on --host, or REAR_HOST, or loopback', () => {
    expect(setup({ argv: ['--host', '0.0.0.0'] }).options.host).toBe('0.0.0.0')
    expect(setup({ env: { REAR_HOST: '::1' } }).options.host).toBe('::1')
    expect(setup().options.host).toBe('127.0.0.1')
  })

  it('turns off request logs with --quiet and keeps data with --persist', () => {
    expect(setup({ argv: ['--quiet', '--persist', '/tmp/rear'] }).options).toMatchObject({ logs: false, dataPath: '/tmp/rear' })
    expect(setup().options).toMatchObject({ logs: true })
  })

  it.each([
    [['--port-offset=-1'], {}, /--port-offset must be an integer from 0 to 30000, not -1/],
    [['--port-offset', '1.5'], {}, /--port-offset must be an integer/],
    [[], { REAR_PORT_OFFSET: 'abc' }, /REAR_PORT_OFFSET must be an integer/],
    [['--prot-offset', '1'], {}, /--prot-offset.*npm start -- --help/],
  ])('refuses %j %j naming what is wrong', (argv, env, message) => {
    expect(() => parseStartCommand(argv, env)).toThrow(message)
  })

  it('answers --help with every option and the variables it sets per participant', () => {
    expect(parseStartCommand(['--help'], {})).toEqual({ help: true })
    for (const option of ['--host', '--port-offset', '--persist', '--quiet', '--help', 'ADMIN_TOKEN', ...Object.keys(PER_PARTICIPANT_VARIABLES)]) expect(START_HELP).toContain(option)
  })

  function setup(input: { argv?: string[]; env?: Record<string, string> } = {}) {
    const command = parseStartCommand(input.argv ?? [], input.env ?? {})
    if (command.help) throw new Error('expected a start command')
    return command
  }
})
