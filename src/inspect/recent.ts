/**
 * The recent errors of one node, kept in a ring for the inspector.
 * @module
 */
import type { EventEmitter } from "eventemitter3";
import { SHORT_ID } from "../connection/census.js";
import type { Context } from "../core/context.js";
import type { BotError } from "../core/errors.js";
import type { BotEvents, ViolationEvent } from "../core/events.js";
import type { RecentError } from "./types.js";

const MAX_MESSAGE = 200;

const cut = (text: string) =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;

/** Listens to a bot's `error` and `violation` events and keeps the last `max` of them. */
export class RecentErrors {
  private readonly ring: RecentError[] = [];
  private readonly onError = (error: BotError<Context>) => this.add(handlerError(error));
  private readonly onViolation = (event: ViolationEvent) =>
    this.add({
      at: Date.now(),
      kind: "violation",
      code: event.code,
      message: cut(event.message),
      route: undefined,
      session: undefined,
    });

  constructor(
    private readonly events: EventEmitter<BotEvents<Context>>,
    private readonly max: number,
  ) {
    events.on("error", this.onError);
    events.on("violation", this.onViolation);
  }

  private add(error: RecentError): void {
    this.ring.push(error);
    if (this.ring.length > this.max) this.ring.shift();
  }

  /** The errors kept, newest first. */
  list(): RecentError[] {
    return this.ring.slice().reverse();
  }

  /** Stops listening. */
  close(): void {
    this.events.off("error", this.onError);
    this.events.off("violation", this.onViolation);
  }
}

function handlerError(botError: BotError<Context>): RecentError {
  const { error, ctx } = botError;
  const thrown = error instanceof Error;
  return {
    at: Date.now(),
    kind: "handler",
    code: thrown ? error.name : typeof error,
    message: cut(thrown ? error.message : String(error)),
    route: ctx.route,
    session: ctx.sessionId.slice(0, SHORT_ID),
  };
}
