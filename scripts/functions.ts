/** Every deployable function: entry file and the name of its bundle. */
export const FUNCTIONS = [
  { name: 'participant-api', entry: 'functions/lambda/participant-api.ts' },
  { name: 'expiry-sweeper', entry: 'functions/cron/expiry-sweeper.ts' },
  { name: 'flavour-publisher', entry: 'functions/cron/flavour-publisher.ts' },
  { name: 'index-compactor', entry: 'functions/cron/index-compactor.ts' },
  { name: 'chain-worker', entry: 'functions/queues/chain-worker.ts' },
] as const
