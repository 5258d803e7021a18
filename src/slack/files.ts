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
  return charts.map((c) => ({
    filename: c.name,
    title: c.title,
    content: c.png,
    altText: c.altText,
  }));
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
