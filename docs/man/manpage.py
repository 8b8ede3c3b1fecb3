#!/usr/bin/env python3
"""Writes the manual pages in docs/man from their hand-written templates (PROGRAM.SECTION.in) and what each
program's argument parser says of itself (`PROGRAM --experimental-dump-help`), so that the options and commands
a page lists are the ones the program takes, with their help text and defaults.

    docs/man/manpage.py BINDIR           rewrite docs/man/*.1 and *.8 from the programs in BINDIR
    docs/man/manpage.py --check BINDIR   write nothing; exit 1, naming the page, if a page is not what it
                                          would write (a test runs this)

A template is roff (man(7) macros) with these lines replaced:
    @VERSION@              anywhere: the program's --version
    @NAME@                 the NAME line: "program \\- abstract"
    @OPTIONS@              the root command's options and arguments, one .TP each
    @OPTIONS run@          a subcommand's (mtpsim's default command, run)
    @COMMANDS@             each subcommand: synopsis, abstract, discussion, its own options and arguments
    @COMMANDS control@     only the subcommands named
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PAGES = [("mtpctl", "1"), ("mtpsessiond", "8"), ("mtpsim", "1")]
# Options every command has, and the help command: the pages give them once, among the program's options.
SKIPPED = {"help", "version"}


def roff_text(text):
    """Prose from the parser as roff: escapes, options in bold minus signs, `code` in bold, non-ASCII as \\[uXXXX]."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"`([^`]+)`", lambda m: "\\fB" + m.group(1) + "\\fR", text)
    # An option is written with minus signs (\-), a hyphen inside a word stays one.
    text = re.sub(r"(?<![\w\-\\])(--?[A-Za-z][\w\-]*)", lambda m: m.group(1).replace("-", "\\-"), text)
    text = "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)
    return text


def roff_lines(text):
    """Roff text lines: a line that would start with a control character is protected."""
    return ["\\&" + line if line.startswith((".", "'")) else line for line in text.split("\n")]


def option_names(arg):
    names = []
    for n in arg.get("names", []):
        dashes = "--" if n["kind"] == "long" else "-"
        names.append("\\fB" + (dashes + n["name"]).replace("-", "\\-") + "\\fR")
    return ", ".join(names)


def option_label(arg):
    label = option_names(arg)
    if arg["kind"] == "option":
        label += " \\fI" + roff_text(arg.get("valueName", "value")) + "\\fR"
    return label


def positional_name(arg):
    return arg.get("valueName", "argument").upper()


def visible(args, kinds, skipped=SKIPPED):
    return [a for a in args if a.get("shouldDisplay", True) and a["kind"] in kinds
            and not any(n["name"] in skipped for n in a.get("names", []))]


def describe(arg):
    text = roff_text(arg.get("abstract", ""))
    if arg.get("discussion"):
        text += " " + roff_text(arg["discussion"])
    default = arg.get("defaultValue")
    if default not in (None, "") and arg["kind"] != "flag" and "default" not in arg.get("abstract", ""):
        text += " (default: " + roff_text(default) + ")"
    return text.strip()


def options_block(args, skipped=SKIPPED):
    """Options and flags, then arguments, one .TP each."""
    out = []
    for arg in visible(args, ("option", "flag"), skipped):
        out += [".TP", option_label(arg)] + roff_lines(describe(arg))
    for arg in visible(args, ("positional",)):
        out += [".TP", "\\fI" + positional_name(arg) + "\\fR"] + roff_lines(describe(arg))
    return out


def discussion_block(text):
    """Paragraphs of a discussion; lines indented by two spaces are examples, set as they are."""
    out = []
    for paragraph in text.strip().split("\n\n"):
        out.append(".PP")
        example = False
        for line in paragraph.split("\n"):
            if line.startswith("  ") != example:
                example = not example
                out += [".RS", ".nf"] if example else [".fi", ".RE"]
            out += roff_lines(roff_text(line.strip() if example else line))
        if example:
            out += [".fi", ".RE"]
    return out


def synopsis(path, command):
    parts = ["\\fB" + roff_text(" ".join(path)) + "\\fR"]
    if visible(command.get("arguments", []), ("option", "flag")):
        parts.append("[\\fIoptions\\fR]")
    for arg in visible(command.get("arguments", []), ("positional",)):
        name = "\\fI" + positional_name(arg) + "\\fR" + ("..." if arg.get("isRepeating") else "")
        if arg.get("parsingStrategy") == "postTerminator":
            name = "\\fB\\-\\-\\fR " + name
        parts.append("[" + name + "]" if arg.get("isOptional") else name)
    return " ".join(parts)


def commands_block(root, path, inherited, only=None):
    out = []
    for sub in root.get("subcommands", []):
        if sub["commandName"] in SKIPPED or not sub.get("shouldDisplay", True) or (only and sub["commandName"] not in only):
            continue
        sub_path = path + [sub["commandName"]]
        own = [a for a in sub.get("arguments", [])
               if not any(n["name"] in inherited for n in a.get("names", []))]
        if sub.get("subcommands"):
            out += commands_block(sub, sub_path, inherited)
            continue
        out += [".SS", synopsis(sub_path, dict(sub, arguments=own))]
        out += roff_lines(roff_text(sub.get("abstract", "")))
        if sub.get("discussion"):
            out += discussion_block(sub["discussion"])
        arguments = options_block(own)
        if arguments:
            out += [".RS"] + arguments + [".RE"]
    return out


def find(command, name):
    return next(s for s in command.get("subcommands", []) if s["commandName"] == name)


def render(program, section, bindir):
    binary = os.path.join(bindir, program)
    # A clean environment: defaults some options read from it ($MTPSESSIOND_SOCKET) must not leak into the page.
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    info = json.loads(subprocess.run([binary, "--experimental-dump-help"], env=env, check=True,
                                      capture_output=True, text=True).stdout)["command"]
    version = subprocess.run([binary, "--version"], env=env, check=True, capture_output=True, text=True).stdout.strip()
    root_options = {n["name"] for a in info.get("arguments", []) for n in a.get("names", [])} - SKIPPED
    with open(os.path.join(HERE, f"{program}.{section}.in"), encoding="utf-8") as f:
        template = f.read()
    out = [f'.\\" Generated by docs/man/manpage.py from {program}.{section}.in and `{program} --experimental-dump-help`;',
           '.\\" edit those, then run docs/man/manpage.py .build/debug.']
    for line in template.rstrip("\n").split("\n"):
        line = line.replace("@VERSION@", version)
        if line == "@NAME@":
            abstract = info["abstract"].rstrip(".")
            # "Use MTP players" in a sentence of its own, "use MTP players" after the name.
            if abstract[1:2].islower():
                abstract = abstract[0].lower() + abstract[1:]
            out += roff_lines(program + " \\- " + roff_text(abstract))
        elif line == "@OPTIONS@":
            out += options_block(info.get("arguments", []), skipped=set())
        elif line.startswith("@OPTIONS "):
            out += options_block(find(info, line.strip("@").split()[1]).get("arguments", []), skipped=set())
        elif line == "@COMMANDS@":
            out += commands_block(info, [program], root_options)
        elif line.startswith("@COMMANDS "):
            out += commands_block(info, [program], root_options, only=line.strip("@").split()[1:])
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if len(args) != 1:
        sys.exit(__doc__)
    stale = []
    for program, section in PAGES:
        page = os.path.join(HERE, f"{program}.{section}")
        text = render(program, section, args[0])
        if check:
            with open(page, encoding="utf-8") as f:
                if f.read() != text:
                    stale.append(page)
        else:
            with open(page, "w", encoding="utf-8") as f:
                f.write(text)
    if stale:
        sys.exit("not what the programs' parsers say; run docs/man/manpage.py BINDIR: " + " ".join(stale))


if __name__ == "__main__":
    main(sys.argv[1:])
