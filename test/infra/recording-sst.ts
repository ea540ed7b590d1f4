/** A recording fake of the `sst` globals the infra uses, so `run()` can execute without a cloud. */
export class FakeOutput<T> {
  constructor(readonly value: T) {}
  apply<U>(fn: (value: T) => U): FakeOutput<U> {
    return new FakeOutput(fn(this.value))
  }
}

export interface Recorded {
  kind: string
  name: string
  args: Record<string, unknown>
  component: FakeComponent
}

export class FakeComponent {
  readonly routes: { route: string; target: unknown }[] = []
  readonly subscribers: { handler: unknown; args: Record<string, unknown> }[] = []
  constructor(
    readonly kind: string,
    readonly name: string,
    readonly args: Record<string, unknown>,
  ) {}
  get url() {
    return new FakeOutput(`https://${this.name.toLowerCase()}.example.com`)
  }
  get arn() {
    return new FakeOutput(`arn:aws:fake:${this.name}`)
  }
  get nodes() {
    return {}
  }
  route(route: string, target: unknown) {
    this.routes.push({ route, target })
  }
  subscribe(handler: unknown, args: Record<string, unknown> = {}) {
    this.subscribers.push({ handler, args })
  }
}

export function installFakeSst(stage: string) {
  const recorded: Recorded[] = []
  const component = (kind: string) =>
    class extends FakeComponent {
      constructor(name: string, args: Record<string, unknown> = {}) {
        super(kind, name, args)
        recorded.push({ kind, name, args, component: this })
      }
    }
  const globals = globalThis as Record<string, unknown>
  globals.$app = { name: 'rear-cloud', stage }
  globals.$config = (config: unknown) => config
  globals.sst = {
    Secret: component('Secret'),
    Linkable: component('Linkable'),
    aws: {
      Dynamo: component('Dynamo'),
      Queue: component('Queue'),
      Function: component('Function'),
      ApiGatewayV2: component('ApiGatewayV2'),
      Cron: component('Cron'),
      Bucket: component('Bucket'),
    },
  }
  return recorded
}
