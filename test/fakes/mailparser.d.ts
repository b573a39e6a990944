/**
 * Minimal types for `mailparser` (it ships none and `@types/mailparser` is not installed):
 * only what the SMTP sink reads.
 */
declare module 'mailparser' {
  interface AddressObject {
    text: string;
    value: Array<{ address?: string; name: string }>;
  }

  interface ParsedMail {
    subject?: string;
    text?: string;
    html?: string | false;
    messageId?: string;
    from?: AddressObject;
    to?: AddressObject | AddressObject[];
    replyTo?: AddressObject;
    headers: Map<string, unknown>;
    attachments?: Array<{ filename?: string; contentType: string; content: Buffer }>;
  }

  export function simpleParser(
    source: string | Buffer | NodeJS.ReadableStream,
  ): Promise<ParsedMail>;
}
