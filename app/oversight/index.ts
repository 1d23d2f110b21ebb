export {
  LEVELS,
  HEALTHS,
  LevelSchema,
  HealthSchema,
  EngineEventSchema,
  ExpectedStateSchema,
  HistorySchema,
  HistoryListSchema,
} from './types';
export type {
  Level,
  Health,
  ReviewClass,
  EngineEvent,
  EventClass,
  Rule,
  Attention,
  OversightState,
  Policy,
  ExpectedState,
  History,
} from './types';
export {
  DEFAULT_POLICY,
  POLICY_LEVEL_CHOICES,
  POLICY_RANGES,
  PolicySchema,
  parsePolicy,
  intervalFor,
  loosenStreakFor,
} from './policy';
export { classifyReview, initialState, step, replay, startingLevel, progressToNextLevel, levelIndex } from './engine';
export { levelLabel, healthLabel, ruleName, RULE_NAMES, LEVEL_OPTIONS } from './explain';
