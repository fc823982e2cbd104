<#
.SYNOPSIS
    Writes the MAML help of the module's binary cmdlets from module/help/<Cmdlet>.psd1 (used by build.ps1 -Task Package).

.DESCRIPTION
    Binary cmdlets cannot carry comment-based help, so Get-Help reads an XML (MAML) file beside the
    assembly. The prose lives in small data files; syntax, parameter types, positions and pipeline
    behaviour are read from the compiled cmdlets themselves, so the help cannot drift from the code.
    A cmdlet without a help file, or a parameter without a description, fails the build.
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$module = Import-Module $ModulePath -PassThru -Force
$moduleDir = Split-Path $ModulePath
$helpSource = Join-Path $PSScriptRoot '../module/help'
# WhatIf and Confirm are documented like the cmdlet's own parameters; the other common ones are not.
$common = [System.Management.Automation.PSCmdlet]::CommonParameters

function Esc([string] $s) { [System.Security.SecurityElement]::Escape($s) }

function Paras([string] $text) {
    # Blank lines separate paragraphs in the data files.
    ($text -split '\r?\n\s*\r?\n' | ForEach-Object { "<maml:para>$(Esc ($_.Trim() -replace '\s*\r?\n\s*', ' '))</maml:para>" }) -join ''
}

function TypeName([type] $t) {
    if ($t.IsArray) { return (TypeName $t.GetElementType()) + '[]' }
    $underlying = [Nullable]::GetUnderlyingType($t)
    if ($underlying) { return TypeName $underlying }
    if ($t -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    return $t.Name
}

function ParameterOrder($cmd, [string] $name) {
    # Positional parameters by position, then mandatory ones, then the rest in declaration order with the
    # shared base class's parameters first, as a reader would list them.
    $meta = $cmd.Parameters[$name]
    $attr = $meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
    $property = $cmd.ImplementingType.GetProperty($name)
    $depth = 0
    if ($property) { for ($t = $property.DeclaringType; $t.BaseType; $t = $t.BaseType) { $depth++ } }
    $position = if ($attr -and $attr.Position -ge 0) { $attr.Position } else { 999 }
    $mandatory = if ($attr -and $attr.Mandatory) { 0 } else { 1 }
    $token = if ($property) { $property.MetadataToken } else { [int]::MaxValue }
    '{0:D4}{1}{2:D3}{3:D10}' -f $position, $mandatory, $depth, $token
}

function DefaultValue($cmd, $instance, [string] $name) {
    # What the parameter is when not given: the cmdlet's own initial value, else "None" (an engine default applies;
    # the description says which). Switches are off.
    $property = $cmd.ImplementingType.GetProperty($name)
    if (-not $property -or -not $instance) { return 'None' }
    if ($property.PropertyType -eq [System.Management.Automation.SwitchParameter]) { return 'False' }
    $value = $property.GetValue($instance)
    if ($null -eq $value -or ($value -is [array] -and $value.Count -eq 0) -or ($value -is [string] -and $value -eq '')) { return 'None' }
    if ($value -is [array]) { return ($value -join ', ') }
    return "$value"
}

$problems = [System.Collections.Generic.List[string]]::new()
$sb = [System.Text.StringBuilder]::new()
[void]$sb.Append('<?xml version="1.0" encoding="utf-8"?><helpItems schema="maml" xmlns="http://msh" xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')

foreach ($cmd in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
    $file = Join-Path $helpSource "$($cmd.Name).psd1"
    if (-not (Test-Path $file)) { $problems.Add("$($cmd.Name): no help file $file"); continue }
    $h = Import-PowerShellDataFile $file
    $parameters = $cmd.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object { ParameterOrder $cmd $_.Name }
    $instance = try { [Activator]::CreateInstance($cmd.ImplementingType) } catch { $null }
    foreach ($p in $parameters) {
        if (-not $h.Parameters.ContainsKey($p.Name)) { $problems.Add("$($cmd.Name): parameter -$($p.Name) has no description") }
    }
    foreach ($name in $h.Parameters.Keys) {
        if ($name -notin $parameters.Name) { $problems.Add("$($cmd.Name): help describes -$name, which the cmdlet does not have") }
    }

    [void]$sb.Append('<command:command><command:details>')
    [void]$sb.Append("<command:name>$($cmd.Name)</command:name><command:verb>$($cmd.Verb)</command:verb><command:noun>$($cmd.Noun)</command:noun>")
    [void]$sb.Append("<maml:description>$(Paras $h.Synopsis)</maml:description></command:details>")
    [void]$sb.Append("<maml:description>$(Paras $h.Description)</maml:description>")

    [void]$sb.Append('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        [void]$sb.Append("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        foreach ($sp in ($set.Parameters | Where-Object { $_.Name -notin $common } | Sort-Object { ParameterOrder $cmd $_.Name })) {
            $pos = if ($sp.Position -ge 0) { $sp.Position } else { 'named' }
            $isSwitch = $sp.ParameterType -eq [System.Management.Automation.SwitchParameter]
            [void]$sb.Append("<command:parameter required=`"$($sp.IsMandatory.ToString().ToLower())`" position=`"$pos`" pipelineInput=`"$($sp.ValueFromPipeline -or $sp.ValueFromPipelineByPropertyName)`"><maml:name>$($sp.Name)</maml:name>")
            if (-not $isSwitch) { [void]$sb.Append("<command:parameterValue required=`"true`">$(Esc (TypeName $sp.ParameterType))</command:parameterValue>") }
            [void]$sb.Append('</command:parameter>')
        }
        [void]$sb.Append('</command:syntaxItem>')
    }
    [void]$sb.Append('</command:syntax><command:parameters>')
    foreach ($p in $parameters) {
        $attrs = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        $mandatory = [bool]($attrs | Where-Object Mandatory)
        $positioned = $attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1
        $position = if ($positioned) { $positioned.Position } else { $null }
        $pipeline = @()
        if ($attrs | Where-Object ValueFromPipeline) { $pipeline += 'ByValue' }
        if ($attrs | Where-Object ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
        $pipelineText = if ($pipeline) { "true ($($pipeline -join ', '))" } else { 'false' }
        $description = if ($h.Parameters.ContainsKey($p.Name)) { $h.Parameters[$p.Name] } else { '' }
        $validateSet = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
        $values = if ($validateSet) { $validateSet.ValidValues } elseif ($p.ParameterType.IsEnum) { [enum]::GetNames($p.ParameterType) } else { $null }
        if ($values) { $description += "`n`nAccepted values: $($values -join ', ')." }
        if ($p.Aliases.Count) { $description += "`n`nAliases: $($p.Aliases -join ', ')." }
        $pos = if ($null -ne $position) { $position } else { 'named' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'None' }
        [void]$sb.Append("<command:parameter required=`"$($mandatory.ToString().ToLower())`" position=`"$pos`" pipelineInput=`"$pipelineText`" globbing=`"$([bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))`" aliases=`"$(Esc $aliases)`"><maml:name>$($p.Name)</maml:name>")
        [void]$sb.Append("<maml:description>$(Paras $description)</maml:description>")
        [void]$sb.Append("<command:parameterValue required=`"true`">$(Esc (TypeName $p.ParameterType))</command:parameterValue>")
        [void]$sb.Append("<dev:type><maml:name>$(Esc (TypeName $p.ParameterType))</maml:name></dev:type><dev:defaultValue>$(Esc (DefaultValue $cmd $instance $p.Name))</dev:defaultValue></command:parameter>")
    }
    [void]$sb.Append('</command:parameters>')

    if ($h.ContainsKey('Inputs')) {
        [void]$sb.Append("<command:inputTypes><command:inputType><dev:type><maml:name>$(Esc $h.Inputs)</maml:name></dev:type></command:inputType></command:inputTypes>")
    }
    $outputs = (@($cmd.OutputType) | ForEach-Object { $_.Name } | Select-Object -Unique) -join ', '
    [void]$sb.Append("<command:returnValues><command:returnValue><dev:type><maml:name>$(Esc $outputs)</maml:name></dev:type><maml:description>$(Paras $h.Outputs)</maml:description></command:returnValue></command:returnValues>")
    if ($h.ContainsKey('Notes')) { [void]$sb.Append("<maml:alertSet><maml:alert>$(Paras $h.Notes)</maml:alert></maml:alertSet>") }

    if (-not $h.Examples -or $h.Examples.Count -eq 0) { $problems.Add("$($cmd.Name): no examples") }
    [void]$sb.Append('<command:examples>')
    $i = 0
    foreach ($ex in $h.Examples) {
        $i++
        [void]$sb.Append("<command:example><maml:title>-------------------------- Example $i`: $(Esc $ex.Title) --------------------------</maml:title>")
        [void]$sb.Append("<dev:code>$(Esc $ex.Code)</dev:code><dev:remarks>$(Paras $ex.Remarks)</dev:remarks></command:example>")
    }
    [void]$sb.Append('</command:examples><command:relatedLinks>')
    # The first link with a URI is what Get-Help -Online opens: the cmdlet's HelpUri.
    if (-not $cmd.HelpUri) { $problems.Add("$($cmd.Name) has no HelpUri") }
    [void]$sb.Append("<maml:navigationLink><maml:linkText>Online Version:</maml:linkText><maml:uri>$(Esc $cmd.HelpUri)</maml:uri></maml:navigationLink>")
    foreach ($link in @($h.Links) + 'about_FocusFlow' | Where-Object { $_ } | Select-Object -Unique) {
        [void]$sb.Append("<maml:navigationLink><maml:linkText>$(Esc $link)</maml:linkText><maml:uri /></maml:navigationLink>")
    }
    [void]$sb.Append('</command:relatedLinks></command:command>')
}
[void]$sb.Append('</helpItems>')

if ($problems.Count) {
    $problems | ForEach-Object { Write-Host "help: $_" -ForegroundColor Red }
    exit 1
}
$target = Join-Path $moduleDir 'en-US'
New-Item -ItemType Directory $target -Force | Out-Null
$xml = [xml]$sb.ToString()   # parse once: a malformed file fails here, not in a user's Get-Help
$xml.Save((Join-Path $target 'FocusFlow.PowerShell.dll-Help.xml'))
Write-Host "Help written for $($module.ExportedCmdlets.Count) cmdlets."
