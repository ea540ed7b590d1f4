import type { ChainMessage } from '../../core/chain/model.ts'
import type { AgentCommandBody } from '../../core/cluster/cluster-commands.ts'
import type { AgentCommands, ChainQueue } from '../../core/chain/ports.ts'
import { chainMessageToWire } from '../../core/wire/chain-codec.ts'
import type { SqsSend } from './lazy-sqs-send.ts'

const MAX_DELAY_SECONDS = 900

/** The participant's chain work queue on SQS; delayed messages (timeouts) use SQS's own delay. */
export class SqsChainQueue implements ChainQueue {
  constructor(
    private readonly send: SqsSend,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: ChainMessage, delaySeconds = 0): Promise<void> {
    await this.send({
      QueueUrl: this.queueUrl,
      MessageBody: JSON.stringify(chainMessageToWire(message)),
      DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
      MessageAttributes: { chainId: { DataType: 'String', StringValue: message.chainId }, type: { DataType: 'String', StringValue: message.payload.type } },
    })
  }
}

/** The agent's command queue on SQS; the in-cluster agent consumes it through the agent API. Bodies carry their type as `command`. */
export class SqsAgentCommands implements AgentCommands {
  constructor(
    private readonly sendMessage: SqsSend,
    private readonly queueUrl: string,
  ) {}

  async send(command: AgentCommandBody): Promise<void> {
    await this.sendMessage({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(command) })
  }
}
