import type { WebClient } from "@slack/web-api";
import type { RenderedChart } from "../render/charts/index.js";

/*
 * Files into Slack (exports, charts) with files.uploadV2: Slack's upload URL, then one
 * completeUploadExternal that shares every file of the batch in one message.
 */

export interface FileToSend {
  filename: string;
  title: string;
  content: Buffer | string;
  /** For images: what a screen reader says. */
  altText?: string | undefined;
}

/** Rendered charts as files to upload: their PNG, named, titled and described. */
export function chartFiles(charts: readonly RenderedChart[]): FileToSend[] {
  return charts.map(chartFile);
}

export function chartFile(c: RenderedChart): FileToSend {
  return { filename: c.name, title: c.title, content: c.png, altText: c.altText };
}

export interface FileSender {
  /** Into the app's DM with a person: only they see it. */
  toUser(userId: string, files: readonly FileToSend[], comment: string): Promise<void>;
  /** Into a channel, or a thread of it. */
  toChannel(
    channel: string,
    files: readonly FileToSend[],
    comment: string,
    threadTs?: string,
  ): Promise<void>;
}

export function createFileSender(client: WebClient): FileSender {
  async function upload(
    channel: string,
    files: readonly FileToSend[],
    comment: string,
    threadTs?: string,
  ) {
    await client.files.uploadV2({
      channel_id: channel,
      initial_comment: comment,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      file_uploads: files.map((f) => ({
        file: typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content,
        filename: f.filename,
        title: f.title,
        ...(f.altText ? { alt_text: f.altText } : {}),
      })),
    });
  }
  return {
    async toUser(userId, files, comment) {
      const opened = await client.conversations.open({ users: userId });
      const channel = opened.channel?.id;
      if (!channel) throw new Error("Slack did not open a DM with the user");
      await upload(channel, files, comment);
    },
    toChannel: upload,
  };
}

/**
 * An image uploaded but shared into no conversation (completeUploadExternal without a channel):
 * private to the bot, which may still show it in an image block it posts (`slack_file: { id }`
 * needs only that the poster can see the file). Returns the file's id.
 */
export async function uploadUnsharedImage(client: WebClient, file: FileToSend): Promise<string> {
  const result = await client.files.uploadV2({
    file_uploads: [
      {
        file: typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content,
        filename: file.filename,
        title: file.title,
        ...(file.altText ? { alt_text: file.altText } : {}),
      },
    ],
  });
  const completions = (result as { files?: { files?: { id?: string }[] }[] }).files ?? [];
  const id = completions[0]?.files?.[0]?.id;
  if (!id) throw new Error("Slack completed the upload without a file id");
  return id;
}
