import { renderEnvExample } from "../src/app/config-docs.js";

process.stdout.write(renderEnvExample());
