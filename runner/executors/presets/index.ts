import { aider } from './aider';
import { claudeCode } from './claude-code';
import { codex } from './codex';
import { command } from './command';
import { gemini } from './gemini';
import { opencode } from './opencode';
import type { Preset, PresetName } from './types';

// The CLI presets by executor name. The agent field `executor` also allows `openai`, the
// built-in tool loop (runner/executors/openai.ts), which calls a model API itself and so
// has no CLI preset here.
export const PRESETS: Record<PresetName, Preset> = {
  'claude-code': claudeCode,
  codex,
  gemini,
  opencode,
  aider,
  command,
};

export { probePreset } from './probe';
export { createRunDir, removeRunFiles, withRunFiles, writeRunFiles } from './run-files';
export { type PresetResult, type RunProgress, runPreset } from './run-preset';
export * from './types';
