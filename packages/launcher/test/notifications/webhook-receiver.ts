import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeNotification } from '../../src/notifications/node-notification.js';

export interface Received {
  body: NodeNotification;
  authorization: string | undefined;
  contentType: string | undefined;
}

/** A webhook receiver on a loopback port: answers each POST with the next status of `answers` (200 when none left), or never with 'hang'. */
export class Receiver {
  readonly received: Received[] = [];
  readonly answers: Array<number | 'hang'> = [];
  private readonly hanging: ServerResponse[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (request, response) => void receiver.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(credentials = ''): string {
    return `http://${credentials}127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/nodepool?token=query-secret`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    this.received.push({ body: JSON.parse(text) as NodeNotification, authorization: request.headers.authorization, contentType: request.headers['content-type'] });
    const answer = this.answers.shift() ?? 200;
    if (answer === 'hang') this.hanging.push(response);
    else response.writeHead(answer).end();
  }
}
