extension Completion {
    /// The bash completion script for `command`: the one the argument parser generated, and a function that
    /// runs it on whole words. bash splits a word at ':' and '=' (COMP_WORDBREAKS), so `MTPSIM0001:/Music`
    /// would reach the generated function as three words and count as three arguments. The added function
    /// joins such pieces again, runs the generated one, hands readline back only the part of each candidate
    /// it replaces (what follows the last break), quotes it as bash would, and adds no space after a folder
    /// or a device name, so typing goes on into it.
    public static func bashScript(amending generated: String, command: String) -> String {
        // The generated script ends by registering its function: `complete -o filenames -F NAME command`.
        let registration = generated.split(separator: "\n").last { $0.hasPrefix("complete ") }?.split(separator: " ") ?? []
        let generatedFunction =
            registration.firstIndex(of: "-F").flatMap {
                registration.indices.contains($0 + 1) ? String(registration[$0 + 1]) : nil
            }
            ?? "_" + command
        let function = generatedFunction + "_joined"
        return generated + """

            # Runs \(generatedFunction) on whole words: bash split DEV:PATH and --option=VALUE at ':' and '='.
            \(function)() {
                local -a joined=()
                local -i i offset=0 start=0 current_start=0 cword=0
                local word blank
                for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
                    word="${COMP_WORDS[i]}"
                    blank="${COMP_LINE:offset}"
                    blank="${blank%%[![:space:]]*}"
                    if ((i > 0)) && [[ -z "${blank}" ]] \\
                        && [[ "${word}" == ":" || "${word}" == "=" || "${joined[-1]}" == *: || "${joined[-1]}" == *= ]]; then
                        joined[-1]+="${word}"
                    else
                        joined+=("${word}")
                        start=$((offset + ${#blank}))
                    fi
                    offset=$((offset + ${#blank} + ${#word}))
                    if ((i == COMP_CWORD)); then
                        cword=$((${#joined[@]} - 1))
                        current_start=${start}
                    fi
                done

                # The joined word up to the cursor, unquoted as the candidates are.
                local typed=""
                ((COMP_POINT > current_start)) && typed="${COMP_LINE:current_start:COMP_POINT-current_start}"
                local quote=""
                case "${typed}" in
                    \\"*|\\'*) quote="${typed:0:1}"; typed="${typed:1}" ;;
                    *) typed="${typed//\\\\/}" ;;
                esac

                local -a COMP_WORDS=("${joined[@]}")
                local -i COMP_CWORD=${cword}
                COMPREPLY=()
                \(generatedFunction) "${1}" "${typed}" "${COMP_WORDS[COMP_CWORD-1]}"

                # readline replaces only ${2}, the text after the last break in the word.
                local -i cut=$((${#typed} - ${#2}))
                local -i split=0
                ((cut > 0)) && split=1
                for i in "${!COMPREPLY[@]}"; do
                    ((cut > 0)) && COMPREPLY[i]="${COMPREPLY[i]:cut}"
                    [[ "${COMPREPLY[i]}" == *: ]] && split=1
                done
                # Quoting as bash does for file names would write ':' as '\\:'; outside quotes, quote here instead.
                if ((split)) && [[ -z "${quote}" ]]; then
                    compopt +o filenames
                    for i in "${!COMPREPLY[@]}"; do
                        printf -v "COMPREPLY[i]" %q "${COMPREPLY[i]}"
                    done
                fi
                if ((${#COMPREPLY[@]} == 1)) && [[ "${COMPREPLY[0]}" == */ || "${COMPREPLY[0]}" == *: ]]; then
                    compopt -o nospace
                fi
            }
            complete -o filenames -F \(function) \(command)

            """
    }

    /// The zsh completion script for `command`: the one the argument parser generated, with its function that
    /// offers mtpctl's own candidates replaced by one that adds no space after a folder (".../") or a device
    /// name ("DEV:"), so typing goes on into it, as bash and fish do.
    public static func zshScript(amending generated: String, command: String) -> String {
        let function = "__" + command + "_custom_complete"
        // The generated script ends by running or registering its completion function; the replacement must
        // be defined before that.
        var lines = generated.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let ending = lines.lastIndex(where: { $0.hasPrefix("if [[ \"${funcstack[1]}\"") }) else { return generated }
        lines.insert(
            """

            # mtpctl's candidates, a folder or a device name without a space after it (as mtpctl writes them
            # for zsh, a colon is escaped).
            \(function)() {
                local -a completions
                completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
                [[ "${#completions[@]}" -gt 1 ]] || return
                completions=("${completions[@]:0:-1}")
                local -a open=("${(M)completions[@]:#*(/|\\\\:)}")
                local -a closed=("${completions[@]:#*(/|\\\\:)}")
                _describe -V '' open -S '' -- closed
            }

            """, at: ending)
        return lines.joined(separator: "\n")
    }

    /// Candidates as zsh's completion reads them: it takes "value:description", so a colon in a value
    /// (`MTPSIM0001:/Music/`) is escaped.
    public static func escapedForZsh(_ candidates: [String]) -> [String] {
        candidates.map { $0.replacingColons() }
    }
}

extension String {
    fileprivate func replacingColons() -> String {
        var result = ""
        for c in self {
            if c == "\\" || c == ":" { result.append("\\") }
            result.append(c)
        }
        return result
    }
}
