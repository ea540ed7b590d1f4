import type { Command } from '@commander-js/extra-typings'
import { describe, expect, it } from 'vitest'
import { buildProgram } from '../../../cli/program.ts'
import type { CliIo } from '../../../cli/io.ts'
import { FakeParticipant, runRear } from './fake-participant.ts'

const commandPaths = (command: Command, prefix: string[] = []): string[][] =>
  command.commands.flatMap((sub) => [[...prefix, sub.name()], ...commandPaths(sub as Command, [...prefix, sub.name()])])

describe('rear --help', () => {
  it('lists every command, the global options, the environment and the exit codes', async () => {
    const { participant } = setup()

    const run = await runRear(['--help'], participant)

    expect(run.code).toBe(0)
    for (const name of ['intent', 'flavours', 'discover', 'candidates', 'providers', 'contracts', 'allocations', 'operation', 'release']) expect(run.stdout).toContain(name)
    for (const text of ['--url <url>', '--admin-token <token>', '--json', 'REAR_URL', 'REAR_ADMIN_TOKEN', 'INTENT_WEBHOOK_SECRET', 'http://127.0.0.1:30000']) expect(run.stdout).toContain(text)
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*Failed or TimedOut.*\n {2}2 .*usage.*\n {2}3 .*4xx.*\n {2}4 .*5xx/)
    expect(run.stderr).toBe('')
  })

  it('gives every command and subcommand a description and examples', async () => {
    const { participant, paths } = setup()

    for (const path of paths) {
      const run = await runRear([...path, '--help'], participant)
      expect(run.code, path.join(' ')).toBe(0)
      expect(run.stdout, path.join(' ')).toContain(`Usage: rear ${path.join(' ')}`)
      expect(run.stdout, path.join(' ')).toContain('Examples:')
    }
    expect(paths).toEqual(expect.arrayContaining([['intent', 'submit'], ['intent', 'status'], ['intent', 'list'], ['release']]))
  })

  it('documents the exit codes of the commands that end on a phase', async () => {
    const { participant } = setup()

    for (const path of [['intent', 'submit'], ['intent', 'status'], ['operation'], ['release']]) {
      const run = await runRear([...path, '--help'], participant)
      expect(run.stdout, path.join(' ')).toContain('Exit codes:')
    }
  })

  function setup() {
    const io = { stdout: { write: () => true }, stderr: { write: () => true } } as unknown as CliIo
    return { participant: new FakeParticipant(), paths: commandPaths(buildProgram(io)) }
  }
})

describe('rear usage errors', () => {
  it.each([
    ['an unknown command', ['bogus']],
    ['an unknown option', ['flavours', '--bogus']],
    ['a missing argument', ['intent', 'status']],
    ['a command group alone', ['intent']],
    ['a limit out of range', ['intent', 'list', '--limit', '0']],
    ['a flavour type not offered', ['flavours', '--type', 'vm']],
    ['a malformed filter', ['flavours', '--filter', 'cpu']],
    ['an id that is no id', ['operation', '../etc']],
    ['a URL that is no URL', ['--url', 'not a url', 'flavours']],
  ])('exits 2 on %s, saying why on stderr and asking nothing', async (_name, argv) => {
    const { participant } = setup()

    const run = await runRear(argv, participant)

    expect(run.code).toBe(2)
    expect(run.stderr).not.toBe('')
    expect(run.stdout).toBe('')
    expect(participant.requests).toHaveLength(0)
  })

  it('prints the version', async () => {
    const { participant } = setup()

    const run = await runRear(['--version'], participant)

    expect(run).toMatchObject({ code: 0, stdout: '0.1.0\n' })
  })

  function setup() {
    return { participant: new FakeParticipant() }
  }
})

describe('rear answers from the participant', () => {
  it('exits 3 on a 4xx, printing its status, code and message', async () => {
    const { participant } = setup()
    participant.on('GET', '/admin/v1/candidates', { status: 401, body: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' } })

    const run = await runRear(['candidates'], participant)

    expect(run.code).toBe(3)
    expect(run.stderr).toContain('401 UNAUTHORIZED: Missing or invalid bearer token')
    expect(run.stdout).toBe('')
  })

  it('exits 4 on a 5xx', async () => {
    const { participant } = setup()
    participant.on('GET', '/providers/v1', { status: 503, body: { code: 'CONTENTION', message: 'try again' } })

    const run = await runRear(['providers'], participant)

    expect(run.code).toBe(4)
    expect(run.stderr).toContain('503 CONTENTION: try again')
  })

  it('exits 4 when the participant cannot be reached, naming it', async () => {
    const { participant } = setup()
    participant.on('GET', '/providers/v1', () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:30000') })
    })

    const run = await runRear(['providers'], participant)

    expect(run.code).toBe(4)
    expect(run.stderr).toContain('cannot reach http://127.0.0.1:30000')
    expect(run.stderr).toContain('ECONNREFUSED')
  })

  it('asks the participant of --url, else REAR_URL, else the local consumer node', async () => {
    const { participant } = setup()
    participant.on('GET', '/providers/v1', { body: { providers: [] } })

    await runRear(['providers'], participant)
    await runRear(['providers'], participant, { env: { REAR_URL: 'http://10.0.0.1:30001/' } })
    await runRear(['--url', 'https://api.example/stage', 'providers'], participant, { env: { REAR_URL: 'http://10.0.0.1:30001' } })

    expect(participant.requests.map((r) => r.url.origin)).toEqual(['http://127.0.0.1:30000', 'http://10.0.0.1:30001', 'https://api.example'])
  })

  it('sends the admin token as a bearer on the operator routes only', async () => {
    const { participant } = setup()
    participant.on('GET', '/admin/v1/candidates', { body: { entries: [], next: null } }).on('GET', '/providers/v1', { body: { providers: [] } }).on('GET', '/api/v2/flavors', { body: [] })

    await runRear(['candidates'], participant, { env: { REAR_ADMIN_TOKEN: 'admin-token-from-env' } })
    await runRear(['--admin-token', 'admin-token-from-flag', 'candidates'], participant, { env: { REAR_ADMIN_TOKEN: 'admin-token-from-env' } })
    await runRear(['--admin-token', 'admin-token-from-flag', 'providers'], participant)
    await runRear(['--admin-token', 'admin-token-from-flag', 'flavours'], participant)
    await runRear(['providers'], participant)

    expect(participant.requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer admin-token-from-env', 'Bearer admin-token-from-flag', 'Bearer admin-token-from-flag', null, null])
  })

  function setup() {
    return { participant: new FakeParticipant() }
  }
})
