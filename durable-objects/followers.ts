import { ceo } from '../worker/ceo/client';
import type { Followers } from '../worker/events/subscribers';
import { office } from '../worker/office/client';

/**
 * Everything that follows the domain event feed, poked after writes. Listed here, with the
 * hosts, because the feed is a domain module and its readers (the CEO, the office) sit above
 * it: the feed is handed this list, it never imports them.
 */
export const FEED_FOLLOWERS: Followers = {
  ceo: (env) => ceo(env).poke(),
  office: (env) => office(env).poke(),
};
