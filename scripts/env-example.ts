import { renderEnvExample } from "../src/config-docs.js";

process.stdout.write(renderEnvExample());
