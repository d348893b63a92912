# ~/.bashrc of a kubelab learner. Kept short on purpose: the lesson beside the terminal does
# the talking, so the shell prints nothing when it starts.
[ -z "$PS1" ] && return

HISTCONTROL=ignoreboth
HISTSIZE=5000
shopt -s histappend checkwinsize

# Minikube's node is called "minikube" in every lesson, so the prompt says so too, whatever
# hostname the container got.
PS1='\[\e[1;32m\]\u@minikube\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]\$ '

alias ls='ls --color=auto'
alias ll='ls -alF'
alias grep='grep --color=auto'

if ! shopt -oq posix && [ -z "${BASH_COMPLETION_VERSINFO:-}" ] && [ -f /usr/share/bash-completion/bash_completion ]; then
  . /usr/share/bash-completion/bash_completion
fi
# Loaded eagerly (bash-completion would load it only on the first `kubectl <TAB>`) because
# the `k` alias needs __start_kubectl to exist before that.
if [ -f /usr/share/bash-completion/completions/kubectl ]; then
  . /usr/share/bash-completion/completions/kubectl
  alias k=kubectl
  complete -o default -F __start_kubectl k
fi

# The lab's own shell help: notices in the learner's language and width, and curl that
# explains why a Service cannot be reached here (see /opt/kubelab/learner-shell.bash).
if [ -r /opt/kubelab/learner-shell.bash ]; then
  . /opt/kubelab/learner-shell.bash
fi
