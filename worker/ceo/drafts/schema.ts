import { z } from 'zod';

// What the model passes to draft_mission: a mission as the propose form has it, in the
// model's snake_case. The JSON schema offered to the model and the check of what it sent are
// this one definition.

const text = (max: number) => z.string().trim().min(1).max(max);

export const DraftArgs = z.strictObject({
  title: text(200).describe('Short, imperative: what the mission achieves.'),
  brief: text(20_000).describe('Why and what, for the operator and the agents.'),
  repository: text(200).describe('One of the repositories runners serve, by name.'),
  target_branch: text(200)
    .optional()
    .describe('Where the work lands; default: the branch the runner reported.'),
  budget_usd: z.number().min(0).max(1_000_000).optional().describe('Money for the whole mission.'),
  tasks: z
    .array(
      z.strictObject({
        title: text(200),
        spec: text(20_000).describe('What the agent does and how it is checked.'),
        expected_scope: z
          .array(text(300))
          .min(1)
          .max(100)
          .describe('Globs over real paths of the repository (list_repository_files).'),
        agent_hint: text(60).optional().describe('Slug of the agent that should take it.'),
        role_hint: text(80).optional(),
      }),
    )
    .min(1)
    .max(50),
});
export type DraftArgs = z.infer<typeof DraftArgs>;

/** The tool's parameters as JSON Schema, for the model. */
export const draftParameters = () => {
  const { $schema: _, ...schema } = z.toJSONSchema(DraftArgs) as Record<string, unknown>;
  return schema;
};

/** Zod's problems as one line the model can act on: `tasks.0.expected_scope: …`. */
export const problemsOf = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
