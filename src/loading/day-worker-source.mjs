// Starts day-worker.ts from source (tests, `npm start` under tsx): tsx's loader is registered in
// this thread first, since a worker thread does not inherit the main thread's loader hooks.
import { register } from "tsx/esm/api";

register();
await import("./day-worker.ts");
