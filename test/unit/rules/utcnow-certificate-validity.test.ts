import { testRule } from '../../rule-tester';
import { utcnowCertificateValidity } from '../../../server/src/rules/utcnow-certificate-validity';
import { ANY_TIER_WS, OPERATION_POLICY, SEED_CONTEXT_POLICY, inbound, reject, seedVariablePolicy } from './expression-policy.fixtures';


testRule(utcnowCertificateValidity, {
  valid: [
    { name: 'the blog policy uses DateTime.Now', code: SEED_CONTEXT_POLICY, files: ANY_TIER_WS, filename: OPERATION_POLICY },
    { name: 'the set-variable variant uses DateTime.Now', code: seedVariablePolicy() },
    { name: 'NotAfter converted to UTC first', code: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow)') },
    { name: 'UtcNow compared with something else (a JWT expiry)', code: reject('@(context.Variables.GetValueOrDefault<DateTime>("exp") < DateTime.UtcNow)') },
    { name: 'UtcNow converted to local time', code: reject('@(context.Request.Certificate?.NotAfter < DateTime.UtcNow.ToLocalTime())') },
    { name: 'a DateTimeOffset compared as such (the DateTime side is converted with its own zone)', code: reject('@(context.Request.Certificate?.NotAfter < DateTimeOffset.UtcNow)') },
    { name: 'NotAfter in UTC against UTC now written the other ways', code: reject('@(context.Request.Certificate.NotAfter.ToUniversalTime() < DateTime.Now.ToUniversalTime())') },
    { name: 'a variable named now that holds local time', code: inbound('<set-variable name="expired" value="@{ var now = DateTime.Now; return context.Request.Certificate?.NotAfter < now; }" />') },
  ],
  invalid: [
    {
      name: 'the mirror: NotAfter made UTC, compared with local DateTime.Now; the fix compares NotAfter as it is',
      code: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter.ToUniversalTime() &lt; DateTime.Now)'),
      findings: [{ line: 5, level: 'warning', text: 'ToUniversalTime', message: /^NotAfter\.ToUniversalTime\(\) is in UTC, but it is compared with DateTime\.Now, which is local time/ }],
      output: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter &lt; DateTime.Now)'),
    },
    {
      name: 'DateTimeOffset.UtcNow.DateTime is UTC too (a public policy); the fix writes DateTime.Now',
      code: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter < DateTimeOffset.UtcNow.DateTime)'),
      findings: [{ line: 5, level: 'warning', text: 'UtcNow', message: /^DateTimeOffset\.UtcNow\.DateTime is compared with NotAfter, but X509Certificate2 gives NotAfter in local time/ }],
      output: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter < DateTime.Now)'),
    },
    {
      name: 'DateTimeOffset.UtcNow.UtcDateTime with .Date, through a variable',
      code: inbound('<set-variable name="expired" value="@{ var today = System.DateTimeOffset.UtcNow.UtcDateTime.Date; return context.Request.Certificate?.NotAfter.Date < today; }" />'),
      findings: [{ line: 4, text: 'UtcNow', message: "DateTimeOffset.UtcNow.UtcDateTime is compared with NotAfter (through the variable 'today')" }],
      output: inbound('<set-variable name="expired" value="@{ var today = System.DateTime.Now.Date; return context.Request.Certificate?.NotAfter.Date < today; }" />'),
    },
    {
      name: 'DateTime.Now.ToUniversalTime() is UTC now; the fix drops .ToUniversalTime()',
      code: reject('@(context.Request.Certificate == null || DateTime.Now.ToUniversalTime() > context.Request.Certificate.NotAfter)'),
      findings: [{ line: 5, text: 'ToUniversalTime', message: 'DateTime.Now.ToUniversalTime() is compared with NotAfter' }],
      output: reject('@(context.Request.Certificate == null || DateTime.Now > context.Request.Certificate.NotAfter)'),
    },
    {
      name: 'UtcNow spelled with a character reference (&#85;) is still UtcNow',
      code: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter &lt; DateTime.&#85;tcNow)'),
      findings: [{ line: 5, level: 'warning', text: '&#85;tcNow', message: 'NotAfter in local time' }],
      output: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter &lt; DateTime.Now)'),
    },
    {
      name: 'rawxml: NotAfter < DateTime.UtcNow, fixed to DateTime.Now',
      code: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter < DateTime.UtcNow)'),
      files: ANY_TIER_WS,
      filename: OPERATION_POLICY,
      findings: [{ line: 5, level: 'warning', text: 'UtcNow', message: 'NotAfter in local time' }],
      output: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter < DateTime.Now)'),
    },
    {
      name: 'escaped xml: &lt; is a < token; DateTime.UtcNow on the left, NotBefore on the right',
      code: reject('@(context.Request.Certificate == null || DateTime.UtcNow &lt; context.Request.Certificate.NotBefore)'),
      findings: [{ line: 5, level: 'warning', text: 'UtcNow', message: 'NotBefore' }],
      output: reject('@(context.Request.Certificate == null || DateTime.Now &lt; context.Request.Certificate.NotBefore)'),
    },
    {
      name: 'through a local variable: reported once at its initializer, the fix changes the initializer',
      code: inbound(`<set-variable name="certificateValidationResult" value="@{
    var cert = context.Request.Certificate;
    if (cert == null) { return "ClientCertificateNotFound"; }
    var now = DateTime.UtcNow;
    if (cert.NotBefore > now) { return "ClientCertificateNotYetValid"; }
    if (cert.NotAfter <= now) { return "ClientCertificateExpired"; }
    return null;
}" />`),
      findings: [{ line: 7, level: 'warning', text: 'UtcNow', message: "through the variable 'now'" }],
      output: inbound(`<set-variable name="certificateValidationResult" value="@{
    var cert = context.Request.Certificate;
    if (cert == null) { return "ClientCertificateNotFound"; }
    var now = DateTime.Now;
    if (cert.NotBefore > now) { return "ClientCertificateNotYetValid"; }
    if (cert.NotAfter <= now) { return "ClientCertificateExpired"; }
    return null;
}" />`),
    },
    {
      name: 'CompareTo, AddDays and subtraction, in element text',
      code: inbound(`<set-header name="X-Certificate-State" exists-action="override">
    <value>@{
        var cert = context.Request.Certificate;
        if (cert == null) { return "none"; }
        if (cert.NotAfter.CompareTo(DateTime.UtcNow) < 0) { return "expired"; }
        if (cert.NotAfter < System.DateTime.UtcNow.AddDays(30)) { return "expiring"; }
        return ((cert.NotAfter - DateTime.UtcNow).TotalDays).ToString();
    }</value>
</set-header>`),
      findings: [
        { line: 8, text: 'UtcNow' },
        { line: 9, text: 'UtcNow' },
        { line: 10, text: 'UtcNow' },
      ],
    },
    {
      name: 'DateTime.Compare and ==',
      code: inbound(`<set-variable name="a" value="@(context.Request.Certificate != null && DateTime.Compare(context.Request.Certificate.NotBefore, DateTime.UtcNow) > 0)" />
<set-variable name="b" value="@(context.Request.Certificate != null && context.Request.Certificate.NotAfter == DateTime.UtcNow)" />`),
      findings: [
        { line: 4, text: 'UtcNow' },
        { line: 5, text: 'UtcNow' },
      ],
    },
  ],
});
